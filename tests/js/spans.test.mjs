// Span editing: Prodigy spans {start, end, token_start, token_end (inclusive), label}.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  ensureTokens, normaliseSpans, makeSpan, applyLabel, removeSpansIn, spanAtToken,
  tokenOwners, toProdigySpans, newSelection, selectionRange, moveCursor, collapseAfter, gapAfter,
} from "../../spacy_al/server/static/js/spans.js";

const TEXT = "Ada Lovelace met Charles Babbage in London";
//            0   4        13  17      25      33 36
function tokens() {
  return ensureTokens({ text: TEXT });
}

test("ensureTokens: a whitespace split with character offsets", () => {
  const toks = tokens();
  assert.deepEqual(toks.map((t) => [t.text, t.start, t.end, t.id, t.ws]), [
    ["Ada", 0, 3, 0, true], ["Lovelace", 4, 12, 1, true], ["met", 13, 16, 2, true],
    ["Charles", 17, 24, 3, true], ["Babbage", 25, 32, 4, true], ["in", 33, 35, 5, true],
    ["London", 36, 42, 6, false],
  ]);
  for (const t of toks) assert.equal(TEXT.slice(t.start, t.end), t.text);
  const own = [{ text: "x", start: 0, end: 1 }];
  assert.equal(ensureTokens({ text: "y z", tokens: own }), own, "the task's own tokens are kept");
});

test("makeSpan: character offsets from the tokens, token_end inclusive", () => {
  const toks = tokens();
  assert.deepEqual(makeSpan(toks, "PER", 3, 4),
    { start: 17, end: 32, token_start: 3, token_end: 4, label: "PER" });
  assert.equal(TEXT.slice(17, 32), "Charles Babbage");
  assert.deepEqual(makeSpan(toks, "LOC", 6, 6),
    { start: 36, end: 42, token_start: 6, token_end: 6, label: "LOC" });
  assert.deepEqual(makeSpan(toks, "PER", 1, 0), makeSpan(toks, "PER", 0, 1), "a backwards range");
});

test("applyLabel over a range; a new span replaces every span it overlaps", () => {
  const toks = tokens();
  let spans = [];
  spans = applyLabel(spans, toks, "PER", 0, 1);
  spans = applyLabel(spans, toks, "LOC", 6, 6);
  spans = applyLabel(spans, toks, "PER", 3, 4);
  assert.deepEqual(spans.map((s) => [s.token_start, s.token_end, s.label]),
    [[0, 1, "PER"], [3, 4, "PER"], [6, 6, "LOC"]], "sorted by token_start");
  const before = spans;
  // ORG over tokens 1..3 touches "Ada Lovelace" and "Charles Babbage": both go
  spans = applyLabel(spans, toks, "ORG", 1, 3);
  assert.deepEqual(spans, [
    { start: 4, end: 24, token_start: 1, token_end: 3, label: "ORG" },
    { start: 36, end: 42, token_start: 6, token_end: 6, label: "LOC" },
  ]);
  assert.equal(before.length, 3, "the old list is not changed");
  // adjacent spans do not overlap
  spans = applyLabel(spans, toks, "MISC", 4, 5);
  assert.deepEqual(spans.map((s) => s.label), ["ORG", "MISC", "LOC"]);
  // relabelling the same range
  spans = applyLabel(spans, toks, "PER", 6, 6);
  assert.deepEqual(spans.map((s) => s.label), ["ORG", "MISC", "PER"]);
});

test("removeSpansIn and spanAtToken", () => {
  const toks = tokens();
  let spans = applyLabel(applyLabel([], toks, "PER", 0, 1), toks, "LOC", 6, 6);
  assert.equal(spanAtToken(spans, 1).label, "PER");
  assert.equal(spanAtToken(spans, 2), null);
  let r = removeSpansIn(spans, 2, 5);
  assert.equal(r.removed, false);
  assert.equal(r.spans.length, 2);
  r = removeSpansIn(spans, 6, 1);        // a backwards range touching both
  assert.equal(r.removed, true);
  assert.deepEqual(r.spans, []);
  r = removeSpansIn(spans, 1, 1);
  assert.deepEqual(r.spans.map((s) => s.label), ["LOC"]);
});

test("normaliseSpans aligns character offsets to tokens and drops what fits no token", () => {
  const toks = tokens();
  const spans = normaliseSpans(toks, [
    { start: 36, end: 42, label: "LOC" },                                  // "London"
    { start: 17, end: 32, label: "PER", extra: 1 },                        // "Charles Babbage"
    { start: 0, end: 12, token_start: 0, token_end: 1, label: "PER" },     // already aligned
    { start: 50, end: 55, label: "X" },                                    // after the text
    { start: 0, end: 3, token_start: 0, token_end: 9, label: "BAD" },      // past the last token
  ]);
  assert.deepEqual(spans.map((s) => [s.token_start, s.token_end, s.label]),
    [[0, 1, "PER"], [3, 4, "PER"], [6, 6, "LOC"]]);
  assert.equal(spans[1].extra, 1);
  assert.deepEqual(normaliseSpans(toks, undefined), []);
});

test("toProdigySpans: Prodigy keys first, other keys kept", () => {
  const out = toProdigySpans([{ label: "ORG", token_end: 4, score: 0.5, start: 17, end: 32, token_start: 3 }]);
  assert.deepEqual(Object.keys(out[0]), ["start", "end", "token_start", "token_end", "label", "score"]);
  assert.deepEqual(out[0], { start: 17, end: 32, token_start: 3, token_end: 4, label: "ORG", score: 0.5 });
});

test("tokenOwners maps tokens to their span", () => {
  const toks = tokens();
  const spans = applyLabel([], toks, "PER", 3, 4);
  const owners = tokenOwners(spans, toks.length);
  assert.deepEqual(owners.map((s) => (s ? s.label : null)), [null, null, null, "PER", "PER", null, null]);
});

test("keyboard selection: first arrow shows token 0, shift extends, clamps at the ends", () => {
  let sel = newSelection();
  assert.equal(selectionRange(sel, null), null);
  sel = moveCursor(sel, 7, 1, false);                   // first press: token 0
  assert.deepEqual(selectionRange(sel, null), [0, 0]);
  sel = moveCursor(sel, 7, 1, true);
  assert.deepEqual(selectionRange(sel, null), [0, 1]);
  sel = moveCursor(sel, 7, 1, true);
  assert.deepEqual(selectionRange(sel, null), [0, 2]);
  sel = moveCursor(sel, 7, 1, false);                   // no shift: collapses
  assert.deepEqual(selectionRange(sel, null), [3, 3]);
  sel = moveCursor(sel, 7, -1, true);
  sel = moveCursor(sel, 7, -1, true);
  assert.deepEqual(selectionRange(sel, null), [1, 3], "shift+left extends backwards from the anchor");
  sel = moveCursor(sel, 7, 0, false, 6);                // End
  assert.deepEqual(selectionRange(sel, null), [6, 6]);
  sel = moveCursor(sel, 7, 1, false);
  assert.deepEqual(selectionRange(sel, null), [6, 6], "clamped at the last token");
  sel = moveCursor(sel, 7, 0, true, 0);                 // Shift+Home
  assert.deepEqual(selectionRange(sel, null), [0, 6]);
  sel = collapseAfter(6);
  assert.equal(selectionRange(sel, null), null, "hidden after a label is applied");
  sel = moveCursor(sel, 7, 1, false);
  assert.deepEqual(selectionRange(sel, null), [6, 6], "the cursor goes on from where it was");
  assert.deepEqual(moveCursor(newSelection(), 0, 1, false), newSelection(), "no tokens: no change");
});

test("a drag overrides the keyboard selection", () => {
  const sel = moveCursor(newSelection(), 7, 1, false);
  assert.deepEqual(selectionRange(sel, { anchor: 4, focus: 2 }), [2, 4]);
});

test("gapAfter: whitespace from the text, else the token's ws flag", () => {
  const text = "New  York\tcity";
  const toks = ensureTokens({ text: text });
  assert.deepEqual([0, 1, 2].map((i) => gapAfter(toks, i, text)), ["  ", "\t", ""]);
  assert.equal(gapAfter([{ text: "a", ws: true }, { text: "b" }], 0, null), " ");
});
