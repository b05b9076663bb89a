/*
 * The model panel's learning curve, without the DOM: dev F1 per model update
 * (/progress → model.history, one report per update: version, dev_f1, n_eval (the
 * held-out sentences it is measured on), finished in unix seconds), scaled into a small SVG
 * with axes (score 0..1 up the left, the update's version along the bottom), and the
 * time of the last update.
 */

export const WIDTH = 220;
export const HEIGHT = 72;
/** The plot area inside the SVG: room for the tick labels on the left and below. */
export const PLOT = { x0: 30, x1: WIDTH - 8, y0: 6, y1: HEIGHT - 18 };
const Y_TICKS = [0, 0.5, 1];

function finite(value) {
  return typeof value === "number" && isFinite(value);
}

/** Which score to draw: "dev_f1" when any update has one, else "dev_accuracy" (binary
 * answers only), else null. */
export function curveMetric(history) {
  if (!Array.isArray(history)) return null;
  for (const key of ["dev_f1", "dev_accuracy"]) {
    if (history.some(function (h) { return h && finite(h[key]); })) return key;
  }
  return null;
}

/** The updates with a number for `metric`, as [{version, value, finished}], in order.
 * version: the report's, else its position (1-based) in the history. */
export function curvePoints(history, metric) {
  if (!Array.isArray(history) || !metric) return [];
  const points = [];
  history.forEach(function (h, i) {
    if (!h || !finite(h[metric])) return;
    points.push({
      version: finite(h.version) ? h.version : i + 1,
      value: h[metric],
      finished: finite(h.finished) ? h.finished : null,
      n: Number.isInteger(h.n_eval) && h.n_eval >= 0 ? h.n_eval : null,
    });
  });
  return points;
}

function xOf(version, points, box) {
  const first = points[0].version;
  const span = points[points.length - 1].version - first;
  return span > 0 ? box.x0 + (version - first) / span * (box.x1 - box.x0) : (box.x0 + box.x1) / 2;
}

function yOf(value, box) {
  return box.y1 - Math.max(0, Math.min(1, value)) * (box.y1 - box.y0);
}

/** SVG coordinates [x, y] of the points in the plot area `box` ({x0, x1, y0 top, y1
 * bottom}; PLOT by default). x: the version, from the first to the last (one point: the
 * middle); y: the value on a fixed 0..1 scale (0 at the bottom; values outside clamped). */
export function scalePoints(points, box) {
  const b = box || PLOT;
  return points.map(function (point) { return [xOf(point.version, points, b), yOf(point.value, b)]; });
}

/** The axes' ticks: y {y, text} at 0, 0.5 and 1; x {x, text} at the first and the last
 * version ("v1", "v5"; one tick for one point, none for none). */
export function axisTicks(points, box) {
  const b = box || PLOT;
  const y = Y_TICKS.map(function (v) { return { y: yOf(v, b), text: String(v) }; });
  const ends = points.length ? [points[0], points[points.length - 1]] : [];
  const x = ends.filter(function (p, i) { return i === 0 || p.version !== ends[0].version; })
    .map(function (p) { return { x: xOf(p.version, points, b), text: "v" + p.version }; });
  return { x: x, y: y };
}

/** How many sentences the last dev score is measured on (model.last_dev_n, else the
 * last update's n_eval), or null when /progress does not say. */
export function devSize(model) {
  if (!model || typeof model !== "object") return null;
  const history = Array.isArray(model.history) ? model.history.filter(Boolean) : [];
  const last = history.length ? history[history.length - 1] : {};
  for (const value of [model.last_dev_n, last.n_eval]) {
    if (Number.isInteger(value) && value >= 0) return value;
  }
  return null;
}

function round(n) {
  const r = Math.round(n * 10) / 10;
  return String(Object.is(r, -0) ? 0 : r);
}

/** An SVG path "M x y L x y …" through the coordinates ("" for none; one point: a move
 * only, so a marker has to show it). */
export function pathData(coords) {
  return coords.map(function (c, i) {
    return (i ? "L" : "M") + round(c[0]) + " " + round(c[1]);
  }).join(" ");
}

/** "HH:MM" of a unix time in seconds, in the local time zone. */
export function clockTime(seconds) {
  const d = new Date(seconds * 1000);
  return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
}

/** How long ago: "just now", "N s ago", "N min ago", "N h ago". now: unix seconds. */
export function ago(seconds, now) {
  const dt = Math.max(0, now - seconds);
  if (dt < 5) return "just now";
  if (dt < 60) return Math.floor(dt) + " s ago";
  if (dt < 3600) return Math.floor(dt / 60) + " min ago";
  return Math.floor(dt / 3600) + " h ago";
}

/** Everything the view draws: {metric, label, points, coords, path, ticks, text, title}.
 * text: "last update 14:05 (3 min ago)", or "" before the first update. trend: the scores
 * of every update (/progress → model.dev_trend) where the server sends them, drawn
 * instead of the history's (its last updates only). */
export function curveView(history, now, trend) {
  const scores = Array.isArray(trend) && trend.length ? trend : history;
  const metric = curveMetric(scores);
  const points = curvePoints(scores, metric);
  const coords = scalePoints(points);
  const reports = Array.isArray(history) ? history.filter(function (h) { return h; }) : [];
  const last = reports.length ? reports[reports.length - 1] : null;
  const text = last && finite(last.finished)
    ? "last update " + clockTime(last.finished) + " (" + ago(last.finished, now) + ")"
    : "";
  const label = metric === "dev_accuracy" ? "dev accuracy" : "dev F1";
  const title = points.length
    ? label + " per update: " + points.map(function (p) {
      return "v" + p.version + " " + p.value.toFixed(3) + (p.n === null ? "" : " (n=" + p.n + ")");
    }).join(", ")
    : "Shown once a model update has a held-out score.";
  return { metric: metric, label: label, points: points, coords: coords,
    path: pathData(coords), ticks: axisTicks(points), text: text, title: title };
}
