/*
 * The model panel's learning curve, without the DOM: dev F1 per model update
 * (/progress → model.history, one report per update: version, dev_f1, finished in
 * unix seconds), scaled into a small SVG box, and the time of the last update.
 */

export const WIDTH = 160;
export const HEIGHT = 40;
export const PAD = 4;

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
    });
  });
  return points;
}

/** SVG coordinates [x, y] of the points in a width × height box with `pad` margins.
 * x: the version, from the first to the last (one point: the middle); y: the value on a
 * fixed 0..1 scale (0 at the bottom; values outside are clamped). */
export function scalePoints(points, width, height, pad) {
  const w = width === undefined ? WIDTH : width;
  const h = height === undefined ? HEIGHT : height;
  const p = pad === undefined ? PAD : pad;
  if (!points.length) return [];
  const first = points[0].version;
  const span = points[points.length - 1].version - first;
  return points.map(function (point) {
    const x = span > 0 ? p + (point.version - first) / span * (w - 2 * p) : w / 2;
    const value = Math.max(0, Math.min(1, point.value));
    return [x, h - p - value * (h - 2 * p)];
  });
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

/** Everything the view draws: {metric, label, points, coords, path, text, title}.
 * text: "last update 14:05 (3 min ago)", or "" before the first update. */
export function curveView(history, now) {
  const metric = curveMetric(history);
  const points = curvePoints(history, metric);
  const coords = scalePoints(points);
  const reports = Array.isArray(history) ? history.filter(function (h) { return h; }) : [];
  const last = reports.length ? reports[reports.length - 1] : null;
  const text = last && finite(last.finished)
    ? "last update " + clockTime(last.finished) + " (" + ago(last.finished, now) + ")"
    : "";
  const label = metric === "dev_accuracy" ? "dev accuracy" : "dev F1";
  const title = points.length
    ? label + " per update: " + points.map(function (p) {
      return "v" + p.version + " " + p.value.toFixed(3);
    }).join(", ")
    : "Shown once a model update has a held-out score.";
  return { metric: metric, label: label, points: points, coords: coords,
    path: pathData(coords), text: text, title: title };
}
