/*
 * Span editing, pure: no DOM, no window. Imported by the page and by Node's tests.
 *
 * A span is Prodigy's {start, end, token_start, token_end, label}: character offsets
 * (end exclusive) and token indices (token_end INCLUSIVE). Spans never overlap: a
 * new span replaces every span it touches.
 *
 * The selection is {anchor, cursor, visible, moved} (token indices); a drag is
 * {anchor, focus, moved}.
 */

/** Tokens of a task; a whitespace split of the text when the task has none (sets task.tokens). */
export function ensureTokens(task) {
  if (Array.isArray(task.tokens) && task.tokens.length) return task.tokens;
  const text = String(task.text || "");
  const tokens = [];
  const re = /\S+/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const end = m.index + m[0].length;
    tokens.push({ text: m[0], start: m.index, end: end, id: tokens.length, ws: /\s/.test(text.charAt(end)) });
  }
  task.tokens = tokens;
  return tokens;
}

/**
 * Copies of the spans with token_start/token_end (inclusive), aligned from the
 * character offsets when they are missing; spans that fit no token are dropped.
 * Sorted by token_start.
 */
export function normaliseSpans(tokens, spans) {
  const out = [];
  for (const raw of spans || []) {
    const span = Object.assign({}, raw);
    if (typeof span.token_start !== "number" || typeof span.token_end !== "number") {
      let ts = -1;
      let te = -1;
      for (let i = 0; i < tokens.length; i++) {
        if (ts < 0 && tokens[i].end > span.start) ts = i;
        if (tokens[i].start < span.end) te = i;
      }
      if (ts < 0 || te < ts) continue;
      span.token_start = ts;
      span.token_end = te;
    }
    if (span.token_start < 0 || span.token_end >= tokens.length || span.token_end < span.token_start) continue;
    out.push(span);
  }
  out.sort(byTokenStart);
  return out;
}

function byTokenStart(a, b) {
  return a.token_start - b.token_start;
}

function outside(ts, te) {
  return function (s) { return s.token_end < ts || s.token_start > te; };
}

/** The span over tokens ts..te (inclusive), with character offsets from the tokens. */
export function makeSpan(tokens, label, ts, te) {
  const a = Math.min(ts, te);
  const b = Math.max(ts, te);
  return { start: tokens[a].start, end: tokens[b].end, token_start: a, token_end: b, label: label };
}

/** New span list: `label` over tokens ts..te; every span that overlaps the range is replaced. */
export function applyLabel(spans, tokens, label, ts, te) {
  const span = makeSpan(tokens, label, ts, te);
  const out = spans.filter(outside(span.token_start, span.token_end));
  out.push(span);
  out.sort(byTokenStart);
  return out;
}

/** {spans, removed}: the spans without any that touch tokens ts..te. */
export function removeSpansIn(spans, ts, te) {
  const kept = spans.filter(outside(Math.min(ts, te), Math.max(ts, te)));
  return { spans: kept, removed: kept.length !== spans.length };
}

/** The span that covers token i, or null. */
export function spanAtToken(spans, i) {
  for (const s of spans) if (s.token_start <= i && i <= s.token_end) return s;
  return null;
}

/** For each token, the span that covers it (the first one, should spans overlap) or null. */
export function tokenOwners(spans, nTokens) {
  const owner = new Array(nTokens).fill(null);
  for (const s of spans) {
    for (let j = s.token_start; j <= s.token_end && j < nTokens; j++) if (owner[j] === null) owner[j] = s;
  }
  return owner;
}

/** Spans for an answer: the Prodigy keys first, any other keys of the span kept. */
export function toProdigySpans(spans) {
  return spans.map(function (s) {
    const span = { start: s.start, end: s.end, token_start: s.token_start, token_end: s.token_end, label: s.label };
    for (const key of Object.keys(s)) if (!(key in span)) span[key] = s[key];
    return span;
  });
}

// ------------------------------------------------------------ selection

export function newSelection() {
  return { anchor: 0, cursor: 0, visible: false, moved: false };
}

/** [first, last] token of the drag or of the visible selection, or null. */
export function selectionRange(sel, drag) {
  if (drag) return [Math.min(drag.anchor, drag.focus), Math.max(drag.anchor, drag.focus)];
  if (!sel.visible) return null;
  return [Math.min(sel.anchor, sel.cursor), Math.max(sel.anchor, sel.cursor)];
}

/**
 * The selection after an arrow / Home / End key over nTokens tokens. The first
 * press shows the cursor on the first token; shift extends a visible selection
 * from its anchor, otherwise the selection collapses to the cursor token.
 */
export function moveCursor(sel, nTokens, delta, extend, absolute) {
  if (!nTokens) return sel;
  let target;
  if (absolute !== undefined) target = absolute;
  else if (!sel.visible && !sel.moved) target = 0;
  else target = sel.cursor + delta;
  target = Math.max(0, Math.min(nTokens - 1, target));
  return {
    anchor: extend && sel.visible ? sel.anchor : target,
    cursor: target,
    visible: true,
    moved: true,
  };
}

/** The selection after a label was applied to (or removed from) a range ending at `last`. */
export function collapseAfter(last) {
  return { anchor: last, cursor: last, visible: false, moved: true };
}

/** Whitespace between token i and the next one, taken from the text when possible. */
export function gapAfter(tokens, i, text) {
  const tok = tokens[i];
  const next = tokens[i + 1];
  if (typeof text === "string" && typeof tok.end === "number") {
    const stop = next && typeof next.start === "number" ? next.start : text.length;
    if (stop >= tok.end) {
      const gap = text.slice(tok.end, stop);
      if (/^\s*$/.test(gap)) return gap;
    }
  }
  return tok.ws ? " " : "";
}
