/*
 * The answer clock on the page (DOM): every input is a sign of activity, the page's
 * visibility pauses it, and the footer says what is measured. The rules are
 * answer_clock.js's.
 */

import { $ } from "./view.js";
import { AnswerClock, clockHelp } from "./answer_clock.js";

export { ANNOTATION_MS } from "./answer_clock.js";

const INPUTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll"];

/** A clock fed by the page's inputs and visibility: {start(baseMs), stop() → ms}. */
export function createPageClock() {
  const clock = new AnswerClock();
  const now = function () { return performance.now(); };
  INPUTS.forEach(function (type) {
    document.addEventListener(type, function () { clock.activity(now()); },
      { capture: true, passive: true });
  });
  document.addEventListener("visibilitychange", function () {
    clock.visibility(document.hidden, now());
  });
  $("help-clock").textContent = clockHelp(clock.idleMs);
  return {
    start: function (baseMs) { clock.start(now(), baseMs, document.hidden); },
    stop: function () { return clock.stop(now()); },
  };
}
