/*
 * The model panel's learning curve: an inline SVG (createElementNS, no innerHTML) of dev
 * F1 per update with its axes, and the time of the last update. The geometry is curve.js's.
 */

import { $, el } from "./view.js";
import { HEIGHT, PLOT, WIDTH, curveView } from "./curve.js";

const SVG = "http://www.w3.org/2000/svg";

function svgNode(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const key of Object.keys(attrs)) node.setAttribute(key, String(attrs[key]));
  return node;
}

/** The curve block below the model's stats, created on first use. */
function curveBlock() {
  let block = $("model-curve");
  if (block) return block;
  block = el("div", "model-curve");
  block.id = "model-curve";
  block.style.alignItems = "center";
  block.style.gap = "8px";
  block.style.marginTop = "6px";
  const svg = svgNode("svg", { width: WIDTH, height: HEIGHT, viewBox: "0 0 " + WIDTH + " " + HEIGHT,
    role: "img", "aria-label": "dev F1 per model update" });
  svg.append(svgNode("path", { d: "M" + PLOT.x0 + " " + PLOT.y0 + " V" + PLOT.y1 + " H" + PLOT.x1,
    fill: "none", stroke: "currentColor", "stroke-opacity": 0.45 }));
  svg.append(svgNode("g", { class: "curve-ticks", fill: "currentColor", "fill-opacity": 0.7,
    "font-size": 10 }));
  svg.append(svgNode("path", { class: "curve-line", d: "", fill: "none", stroke: "currentColor",
    "stroke-width": 1.5, "stroke-linejoin": "round" }));
  svg.append(svgNode("g", { class: "curve-dots", fill: "currentColor" }));
  svg.append(svgNode("title", {}));
  const caption = el("span", "stat-key");
  caption.id = "model-last-update";
  block.append(svg, caption);
  const stats = $("model-state").querySelector(".model-stats");
  stats.after(block);
  return block;
}

/** Draw the model's scores per update (hidden before the first). now: unix seconds. */
export function renderCurve(model, now) {
  const ok = model && typeof model === "object";
  const view = curveView(ok ? model.history : null, now === undefined ? Date.now() / 1000 : now,
    ok ? model.dev_trend : null);
  if (!view.text && !view.points.length) {
    const old = $("model-curve");
    if (old) old.style.display = "none";
    return;
  }
  const block = curveBlock();
  block.style.display = "flex";
  const svg = block.querySelector("svg");
  svg.setAttribute("aria-label", view.label + " per model update");
  svg.querySelector("title").textContent = view.title;
  svg.querySelector(".curve-line").setAttribute("d", view.path);
  svg.querySelector(".curve-ticks").replaceChildren(...tickNodes(view));
  const dots = svg.querySelector(".curve-dots");
  dots.replaceChildren(...view.coords.map(function (c, i) {
    const dot = svgNode("circle", { cx: c[0].toFixed(1), cy: c[1].toFixed(1), r: 2 });
    const tip = svgNode("title", {});
    const point = view.points[i];
    tip.textContent = "v" + point.version + ": " + view.label + " " + point.value.toFixed(3) +
      (point.n === null ? "" : " on " + point.n + " sentences");
    dot.append(tip);
    return dot;
  }));
  block.querySelector("#model-last-update").textContent =
    (view.points.length ? view.label + " per update" : "no held-out score yet") +
    (view.text ? " · " + view.text : "");
}

/** The axes' labels: the score at 0, 0.5, 1 (with a faint grid line), the first and last
 * version under the x axis and the axis name between them. */
function tickNodes(view) {
  const nodes = [];
  view.ticks.y.forEach(function (t) {
    nodes.push(svgText(t.text, PLOT.x0 - 4, t.y + 3.5, "end"));
    if (t.y > PLOT.y0 && t.y < PLOT.y1) {
      nodes.push(svgNode("path", { d: "M" + PLOT.x0 + " " + t.y + " H" + PLOT.x1, fill: "none",
        stroke: "currentColor", "stroke-opacity": 0.12 }));
    }
  });
  view.ticks.x.forEach(function (t) { nodes.push(svgText(t.text, t.x, HEIGHT - 5, "middle")); });
  if (view.ticks.x.length !== 1) {
    nodes.push(svgText("update", (PLOT.x0 + PLOT.x1) / 2, HEIGHT - 5, "middle"));
  }
  return nodes;
}

function svgText(text, x, y, anchor) {
  const node = svgNode("text", { x: x.toFixed(1), y: y.toFixed(1), "text-anchor": anchor });
  node.textContent = text;
  return node;
}
