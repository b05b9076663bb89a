/*
 * Span editing on the page (ner_manual): the label buttons, the text, the token
 * selection, mouse and editing keys. The rules live in spans.js; this module
 * applies them to the page's state and redraws.
 *
 * Mouse: drag over tokens (or click one) to label them with the active label;
 * click a highlighted span (or its label tag) to remove it.
 */

import * as S from "./spans.js";
import * as V from "./view.js";

/**
 * state: the page's state ({current, spans, labels, activeLabel, sel, drag}).
 * hooks: {isManual() → bool, color(label) → css colour}.
 */
export function createEditor(state, hooks) {
  function opts() {
    return { manual: hooks.isManual(), active: state.activeLabel, color: hooks.color, onPick: pickLabel };
  }

  function renderLabels() {
    V.renderLabels(state.labels, opts());
  }

  function renderText() {
    V.renderText(state.current, state.spans, opts());
    updateSelection();
  }

  function updateSelection() {
    const cursor = !state.drag && state.sel.visible ? state.sel.cursor : null;
    V.updateSelection(S.selectionRange(state.sel, state.drag), cursor);
  }

  /** Makes label idx active and applies it to a visible selection. */
  function pickLabel(idx) {
    if (idx < 0 || idx >= state.labels.length) return;
    state.activeLabel = idx;
    V.markActiveLabel(idx);
    if (state.sel.visible) applyToSelection();
  }

  function applyToSelection() {
    const range = S.selectionRange(state.sel, state.drag);
    const label = state.labels[state.activeLabel];
    if (!range || label === undefined || !state.current) return;
    state.spans = S.applyLabel(state.spans, state.current.tokens, label, range[0], range[1]);
    state.sel = S.collapseAfter(range[1]);
    renderText();
  }

  /** Arrow keys (delta, extend) and Home/End (to: "first" | "last"). */
  function moveCursor(delta, extend, to) {
    if (!state.current) return;
    const n = state.current.tokens.length;
    const absolute = to === "first" ? 0 : to === "last" ? n - 1 : undefined;
    state.sel = S.moveCursor(state.sel, n, delta, extend, absolute);
    updateSelection();
  }

  function deleteInSelection() {
    const range = S.selectionRange(state.sel, state.drag);
    if (!range) return;
    const result = S.removeSpansIn(state.spans, range[0], range[1]);
    state.spans = result.spans;
    if (result.removed) renderText();
  }

  function clearSelection() {
    state.sel.visible = false;
    updateSelection();
  }

  function onMouseDown(e) {
    if (!state.current || !hooks.isManual() || e.button !== 0) return;
    const tag = V.spanTagFrom(e.target);
    if (tag) {
      e.preventDefault();
      state.spans = S.removeSpansIn(state.spans, tag[0], tag[1]).spans;
      renderText();
      return;
    }
    const i = V.tokenIndexFrom(e.target);
    if (i === null) return;
    e.preventDefault();
    state.drag = { anchor: i, focus: i, moved: false };
    state.sel.visible = false;
    updateSelection();
  }

  function onMouseOver(e) {
    if (!state.drag) return;
    const i = V.tokenIndexFrom(e.target);
    if (i === null || i === state.drag.focus) return;
    state.drag.focus = i;
    state.drag.moved = true;
    updateSelection();
  }

  function onMouseUp() {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    const existing = S.spanAtToken(state.spans, drag.anchor);
    if (!drag.moved && existing) {
      // A click on a highlighted span removes it.
      state.spans = S.removeSpansIn(state.spans, existing.token_start, existing.token_end).spans;
    } else {
      const label = state.labels[state.activeLabel];
      if (label !== undefined) {
        state.spans = S.applyLabel(state.spans, state.current.tokens, label, drag.anchor, drag.focus);
      }
    }
    state.sel = S.collapseAfter(Math.max(drag.anchor, drag.focus));
    renderText();
  }

  /** Listens on the text box (mousedown, mouseover) and the document (mouseup). */
  function bind(textNode, doc) {
    textNode.addEventListener("mousedown", onMouseDown);
    textNode.addEventListener("mouseover", onMouseOver);
    doc.addEventListener("mouseup", onMouseUp);
  }

  return {
    renderLabels, renderText, updateSelection, pickLabel, applyToSelection,
    moveCursor, deleteInSelection, clearSelection, bind,
  };
}
