/*
 * The task card: label buttons, the text with its spans, the token selection.
 *
 * Safety: task text is untrusted. The DOM is built with createElement and
 * textContent only; no task data ever goes through innerHTML.
 */

import { gapAfter, tokenOwners } from "./spans.js";

export const PALETTE = [
  "#ffd166", "#8ecae6", "#b5e48c", "#f4a3c1", "#cdb4db",
  "#ffb37a", "#90e0c8", "#e9c46a", "#a3c4f3", "#f6bd60",
];

export function $(id) {
  return document.getElementById(id);
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** The colour of a label: the theme's, else the palette's by the label's position (or hash). */
export function labelColor(label, labels, colors) {
  if (colors && colors[label]) return colors[label];
  const idx = labels.indexOf(label);
  let h = idx;
  if (idx < 0) {
    h = 0;
    for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) >>> 0;
  }
  return PALETTE[h % PALETTE.length];
}

/**
 * The label buttons. opts: {manual, active (index), color(label), onPick(index)}.
 * In the teach view they are a disabled legend.
 */
export function renderLabels(labels, opts) {
  const box = $("labels");
  box.replaceChildren();
  box.dataset.mode = opts.manual ? "edit" : "legend";
  labels.forEach(function (label, i) {
    const btn = el("button", "label-btn");
    btn.type = "button";
    btn.dataset.label = label;
    btn.style.setProperty("--label-color", opts.color(label));
    if (i < 9) btn.append(el("kbd", "label-key", String(i + 1)));
    btn.append(el("span", "label-name", label));
    btn.disabled = !opts.manual;
    btn.addEventListener("mousedown", function (e) { e.preventDefault(); });
    btn.addEventListener("click", function () { opts.onPick(i); });
    box.append(btn);
  });
  markActiveLabel(opts.manual ? opts.active : -1);
}

export function markActiveLabel(idx) {
  $("labels").querySelectorAll(".label-btn").forEach(function (b, i) {
    b.classList.toggle("active", i === idx);
    b.setAttribute("aria-pressed", i === idx ? "true" : "false");
  });
}

function tokenEl(token, i) {
  const node = el("span", "tok", token.text);
  node.dataset.i = String(i);
  return node;
}

/** The text of the task as tokens, spans as <mark> around theirs. opts: {manual, color(label)}. */
export function renderText(task, spans, opts) {
  const box = $("text");
  box.replaceChildren();
  if (!task) return;
  const text = typeof task.text === "string" ? task.text : null;
  const owner = tokenOwners(spans, task.tokens.length);
  appendTokens(box, task.tokens, text, owner, tokenEl, function (span) {
    const mark = el("mark", "ent");
    mark.dataset.label = span.label;
    mark.dataset.tokenStart = String(span.token_start);
    mark.dataset.tokenEnd = String(span.token_end);
    mark.style.setProperty("--label-color", opts.color(span.label));
    if (opts.manual) mark.title = "Click to remove this " + span.label + " span";
    return mark;
  });
}

/**
 * Appends `tokens` to `node` with the source's gaps between them: a token as
 * makeToken(token, i), a span of `owner` (token index → span) as makeMark(span)
 * holding its tokens and its label. The annotation view and the review rows share it.
 */
export function appendTokens(node, tokens, text, owner, makeToken, makeMark) {
  let i = 0;
  while (i < tokens.length) {
    const span = owner[i];
    if (span && span.token_start === i) {
      const mark = makeMark(span);
      let j = i;
      for (; j <= span.token_end && j < tokens.length && owner[j] === span; j++) {
        mark.append(makeToken(tokens[j], j));
        if (j < span.token_end) mark.append(document.createTextNode(gapAfter(tokens, j, text)));
      }
      mark.append(el("span", "ent-label", span.label));
      node.append(mark, document.createTextNode(gapAfter(tokens, j - 1, text)));
      i = j;
    } else {
      node.append(makeToken(tokens[i], i), document.createTextNode(gapAfter(tokens, i, text)));
      i++;
    }
  }
}

/** Marks the selected tokens (range [first, last] or null) and the cursor token (index or null). */
export function updateSelection(range, cursor) {
  $("text").querySelectorAll(".tok").forEach(function (node) {
    const i = Number(node.dataset.i);
    node.classList.toggle("sel", !!range && i >= range[0] && i <= range[1]);
    node.classList.toggle("cursor", cursor !== null && i === cursor);
  });
}

/** The token index under an event target, or null. */
export function tokenIndexFrom(target) {
  const node = target && target.closest ? target.closest(".tok") : null;
  return node ? Number(node.dataset.i) : null;
}

/** [token_start, token_end] of the span whose label tag is under the target, or null. */
export function spanTagFrom(target) {
  const tag = target && target.closest ? target.closest(".ent-label") : null;
  if (!tag) return null;
  const mark = tag.closest(".ent");
  return [Number(mark.dataset.tokenStart), Number(mark.dataset.tokenEnd)];
}
