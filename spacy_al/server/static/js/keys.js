/*
 * Keyboard shortcuts, pure: maps a key event's fields to an action. No DOM.
 *
 *   a accept · x reject · space ignore · backspace undo the last answer
 *   ner_manual only:
 *     ArrowLeft/ArrowRight     move the token cursor (the cursor is a one-token selection)
 *     Shift+ArrowLeft/Right    extend the selection from where it started
 *     Home/End (+Shift)        jump to the first / last token
 *     1..9                     make that label active and apply it to the selection
 *     Enter                    apply the active label to the selection
 *     Delete                   remove the spans under the selection
 *     Escape                   clear the selection
 */

/**
 * keyAction({key, shiftKey, ctrlKey, metaKey, altKey, repeat}, {manual, nLabels})
 * → null when the key is not ours (the browser keeps it), else {type, ...}; type
 * "none" is a key that is ours but does nothing now (e.g. a held-down "a").
 */
export function keyAction(e, ctx) {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const key = e.key;
  const manual = !!(ctx && ctx.manual);
  const nLabels = (ctx && ctx.nLabels) || 0;
  const once = function (action) { return e.repeat ? { type: "none" } : action; };
  if (key === "a" || key === "A") return once({ type: "answer", answer: "accept" });
  if (key === "x" || key === "X") return once({ type: "answer", answer: "reject" });
  if (key === " " || key === "Spacebar") return once({ type: "answer", answer: "ignore" });
  if (key === "Backspace") return once({ type: "undo" });
  if (/^[1-9]$/.test(key) && !e.shiftKey) {
    const idx = Number(key) - 1;
    return idx < nLabels && manual ? { type: "label", index: idx } : { type: "none" };
  }
  if (manual) {
    const extend = !!e.shiftKey;
    if (key === "ArrowRight") return { type: "move", delta: 1, extend: extend };
    if (key === "ArrowLeft") return { type: "move", delta: -1, extend: extend };
    if (key === "Home") return { type: "move", delta: 0, extend: extend, to: "first" };
    if (key === "End") return { type: "move", delta: 0, extend: extend, to: "last" };
    if (key === "Enter") return { type: "apply" };
    if (key === "Delete") return { type: "delete" };
  }
  if (key === "Escape") return { type: "escape" };
  return null;
}

/** True when the key goes to a form field, not to the shortcuts. */
export function isTypingTarget(target) {
  if (!target) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || !!target.isContentEditable;
}
