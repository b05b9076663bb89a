// The model panel's learning curve: dev F1 per update as an SVG path, and the last update time.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  PLOT, ago, axisTicks, clockTime, curveMetric, curvePoints, curveView, devSize, pathData,
  scalePoints,
} from "../../spacy_al/server/static/js/curve.js";

const HISTORY = [
  { version: 1, dev_f1: 0, finished: 1000 },
  { version: 2, dev_f1: 0.5, finished: 1060 },
  { version: 3, dev_f1: 1, finished: 1200 },
];

const BOX = { x0: 4, x1: 156, y0: 4, y1: 36 };

test("axes: score ticks 0, 0.5, 1 bottom to top; the first and last version along x", () => {
  const points = curvePoints(HISTORY, "dev_f1");
  const ticks = axisTicks(points, BOX);
  assert.deepEqual(ticks.y, [{ y: 36, text: "0" }, { y: 20, text: "0.5" }, { y: 4, text: "1" }]);
  assert.deepEqual(ticks.x, [{ x: 4, text: "v1" }, { x: 156, text: "v3" }]);
  assert.deepEqual(axisTicks([{ version: 2, value: 0.3 }], BOX).x, [{ x: 80, text: "v2" }]);
  assert.deepEqual(axisTicks([], BOX).x, []);
});

test("dev size: the sentences the last score is measured on, when /progress says", () => {
  assert.equal(devSize({ last_dev_n: 12, history: [{ n_eval: 5 }] }), 12);
  assert.equal(devSize({ history: [{ n_eval: 5 }, { n_eval: 9 }] }), 9);
  assert.equal(devSize({ history: [{ dev_f1: 0.4 }] }), null, "absent: not guessed");
  assert.equal(devSize({ last_dev_n: "7", history: null }), null);
  assert.equal(devSize({ last_dev_n: -1 }), null);
  assert.equal(devSize(null), null);
});

test("points: the updates with a score, by version (position when none)", () => {
  assert.deepEqual(curvePoints(HISTORY, "dev_f1").map((p) => [p.version, p.value]),
    [[1, 0], [2, 0.5], [3, 1]]);
  const gaps = [{ dev_f1: 0.2 }, { dev_f1: null }, null, { dev_f1: "x" }, { dev_f1: 0.4 }];
  assert.deepEqual(curvePoints(gaps, "dev_f1").map((p) => [p.version, p.value, p.finished]),
    [[1, 0.2, null], [5, 0.4, null]]);
  assert.deepEqual(curvePoints([{ dev_f1: 0.2, n_eval: 4 }, { dev_f1: 0.3, n_eval: "x" }],
    "dev_f1").map((p) => p.n), [4, null]);
  assert.deepEqual(curvePoints(undefined, "dev_f1"), []);
  assert.deepEqual(curvePoints(HISTORY, null), []);
});

test("metric: dev F1 first, dev accuracy for binary answers, else none", () => {
  assert.equal(curveMetric(HISTORY), "dev_f1");
  assert.equal(curveMetric([{ dev_f1: null, dev_accuracy: 0.7 }]), "dev_accuracy");
  assert.equal(curveMetric([{ dev_f1: null, dev_accuracy: null }]), null);
  assert.equal(curveMetric("nope"), null);
});

test("scaling: versions across the box, 0..1 bottom to top, clamped", () => {
  const points = curvePoints(HISTORY, "dev_f1");
  assert.deepEqual(scalePoints(points, BOX), [[4, 36], [80, 20], [156, 4]]);
  assert.deepEqual(scalePoints(points, { x0: 0, x1: 100, y0: 0, y1: 20 }),
    [[0, 20], [50, 10], [100, 0]]);
  // versions 1 and 4: x in proportion to the version, not the index
  const uneven = [{ version: 1, value: 0.25 }, { version: 2, value: 2 }, { version: 4, value: -1 }];
  assert.deepEqual(scalePoints(uneven, { x0: 0, x1: 30, y0: 0, y1: 10 }),
    [[0, 7.5], [10, 0], [30, 10]]);
  assert.deepEqual(scalePoints(points)[0], [PLOT.x0, PLOT.y1], "the default plot area");
});

test("empty and one-point cases", () => {
  assert.deepEqual(scalePoints([], BOX), []);
  assert.deepEqual(scalePoints([{ version: 7, value: 0.5 }], BOX), [[80, 20]]);
  assert.equal(pathData([]), "");
  assert.equal(pathData([[80, 20]]), "M80 20");
});

test("path: move then lines, one decimal", () => {
  assert.equal(pathData([[4, 36], [80, 20], [156, 4]]), "M4 36 L80 20 L156 4");
  assert.equal(pathData([[1.26, 2.04], [3.333, -0.01]]), "M1.3 2 L3.3 0");
});

test("time of the last update: local clock and how long ago", () => {
  const local = new Date(2026, 0, 2, 9, 5, 30).getTime() / 1000;
  assert.equal(clockTime(local), "09:05");
  assert.equal(ago(100, 102), "just now");
  assert.equal(ago(100, 145), "45 s ago");
  assert.equal(ago(100, 100 + 3 * 60 + 59), "3 min ago");
  assert.equal(ago(100, 100 + 2 * 3600 + 1), "2 h ago");
  assert.equal(ago(100, 50), "just now", "a clock behind the server's is not negative");
});

test("the view: path, caption and tooltip", () => {
  const view = curveView(HISTORY, 1200 + 130);
  assert.equal(view.path, pathData(scalePoints(view.points, PLOT)));
  assert.deepEqual(view.ticks.x.map((t) => t.text), ["v1", "v3"]);
  assert.equal(view.points.length, 3);
  assert.equal(view.label, "dev F1");
  assert.equal(view.text, "last update " + clockTime(1200) + " (2 min ago)");
  assert.equal(view.title, "dev F1 per update: v1 0.000, v2 0.500, v3 1.000");
  // the whole trend (model.dev_trend) where the server sends it; the time from the history
  const trend = [{ version: 1, dev_f1: 0.1, n_eval: 2 }, ...HISTORY.map((h) => ({ ...h,
    version: h.version + 1 }))];
  const full = curveView(HISTORY.slice(-1), 1200 + 130, trend);
  assert.deepEqual(full.points.map((p) => p.version), [1, 2, 3, 4]);
  assert.equal(full.text, view.text);
  assert.equal(curveView(HISTORY, 1330, []).points.length, 3, "an empty trend: the history");
  const none = curveView([], 0);
  assert.deepEqual([none.path, none.text, none.points.length], ["", "", 0]);
  const binary = curveView([{ version: 1, dev_f1: null, dev_accuracy: 0.8 }], 0);
  assert.equal(binary.label, "dev accuracy");
  const y = PLOT.y1 - 0.8 * (PLOT.y1 - PLOT.y0);
  assert.equal(binary.path, pathData([[(PLOT.x0 + PLOT.x1) / 2, y]]));
});
