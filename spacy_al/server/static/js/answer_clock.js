/*
 * How long an answer took, pure (no DOM): the active time from the moment the task is
 * on screen to the answer, stored in the answer as `_annotation_ms` (real cost data).
 *
 * The clock runs while the page is visible and the annotator is active. Every input
 * (key, pointer, wheel, touch) is a sign of activity; a gap between two signs counts in
 * full up to IDLE_MS and no further (after IDLE_MS without input the clock stops: the
 * annotator went away), so reading a sentence counts, a coffee break does not. While the
 * page is hidden (another tab, a minimised window) nothing counts.
 */

export const IDLE_MS = 30000;
export const ANNOTATION_MS = "_annotation_ms";

export class AnswerClock {
  /** idleMs: the longest gap between two inputs that counts in full. */
  constructor(idleMs) {
    this.idleMs = idleMs === undefined ? IDLE_MS : idleMs;
    this.ms = 0;
    this.last = null;    // the time of the last sign of activity; null: not running
    this.hidden = false;
  }

  /** A task is on screen from `now` (ms); baseMs: time already spent on it (an undone
   * answer shown again); hidden: whether the page is hidden now. */
  start(now, baseMs, hidden) {
    this.ms = Number.isFinite(baseMs) && baseMs > 0 ? baseMs : 0;
    this.last = now;
    this.hidden = !!hidden;
  }

  running() {
    return this.last !== null;
  }

  /** An input at `now`: the gap since the last one counts, up to idleMs. */
  activity(now) {
    if (this.last === null) return;
    if (!this.hidden) this.ms += Math.min(Math.max(0, now - this.last), this.idleMs);
    this.last = now;
  }

  /** The page was hidden (true) or shown again (false) at `now`. */
  visibility(hidden, now) {
    if (this.last === null) return;
    if (hidden) this.activity(now);
    else this.last = now;
    this.hidden = !!hidden;
  }

  /** The active time so far in whole ms (the gap up to `now` counted as an input). */
  elapsed(now) {
    if (this.last === null) return Math.round(this.ms);
    const gap = this.hidden ? 0 : Math.min(Math.max(0, now - this.last), this.idleMs);
    return Math.round(this.ms + gap);
  }

  /** The answer is given at `now`: the active time in whole ms; the clock stops. */
  stop(now) {
    const ms = this.elapsed(now);
    this.ms = 0;
    this.last = null;
    return ms;
  }
}

/** The session's pace from /progress's "pace" ({answers, timed, seconds_per_answer,
 * answers_per_hour}) in words, "" while no answer of the session is timed. */
export function paceText(pace) {
  if (!pace || typeof pace !== "object") return "";
  const seconds = pace.seconds_per_answer;
  const perHour = pace.answers_per_hour;
  if (!Number.isFinite(seconds) || !Number.isFinite(perHour) || !(pace.timed > 0)) return "";
  const partly = Number.isInteger(pace.answers) && pace.answers > pace.timed
    ? ", " + pace.timed + " of " + pace.answers + " answers timed" : "";
  return "this session: " + seconds.toFixed(seconds < 10 ? 1 : 0) + " s per answer · " +
    Math.round(perHour) + " answers an hour (active time" + partly + ")";
}

/** The footer's line about the clock, with its idle limit. */
export function clockHelp(idleMs) {
  return "the time each answer takes is saved with it (active time: the clock stops after " +
    Math.round((idleMs === undefined ? IDLE_MS : idleMs) / 1000) +
    " s without input and while the page is hidden)";
}
