/*
 * Undo history of the answers given in this page, pure: no DOM, no window.
 *
 * An entry is {task (the answer as sent), original (the task as received), status}.
 * Undo takes back the newest entry:
 *   - still waiting in the outbox: it is taken out and never reaches the database;
 *   - already sent (or in flight): the database keeps it; the task comes back on
 *     screen with that answer's spans, and answering again sends a newer answer
 *     for the same task and session, which the server stores in its place.
 */

export const HISTORY_LIMIT = 200;

export class History {
  constructor(limit = HISTORY_LIMIT) {
    this.limit = limit;
    this.entries = [];   // newest last
  }

  get length() {
    return this.entries.length;
  }

  push(entry) {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
    return entry;
  }

  pop() {
    return this.entries.pop() || null;
  }

  /** Forgets these entries (answers the server refused). */
  remove(entries) {
    this.entries = this.entries.filter(function (e) { return entries.indexOf(e) < 0; });
  }

  /** True once an answer of this page reached the database. */
  anySent() {
    return this.entries.some(function (e) { return e.status === "sent"; });
  }
}

/**
 * Takes back the newest answer. `outbox` is anything with take(entry) → bool (true:
 * it was still waiting and is now discarded). Returns null when there is nothing to
 * undo, else {entry, unsent, spans}: spans are the answer's spans to show again (null
 * for a task not edited by hand, whose own suggestion is shown).
 */
export function undoLast(history, outbox, isManualTask) {
  const entry = history.pop();
  if (!entry) return null;
  entry.undone = true;
  const unsent = outbox.take(entry);
  const manual = isManualTask ? isManualTask(entry.original) : true;
  return { entry: entry, unsent: unsent, spans: manual && entry.task.spans ? entry.task.spans : null };
}

/** The note shown after an undo. */
export function undoMessage(result) {
  if (!result) return "Nothing to undo.";
  const prev = result.entry.task.answer;
  return result.unsent
    ? "Undone: the " + prev + " answer was not sent and is discarded."
    : "Undone: the " + prev + " answer is already saved; answering again records a newer answer.";
}
