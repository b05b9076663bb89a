/*
 * The outbox: answers waiting to be sent to POST /give_answers, with retry and
 * back-off. Pure: no DOM, no window; the request and the timer are injected.
 *
 *   const box = new Outbox({send, setTimer, clearTimer, onSent, onRefused, onRetry, onAuth, onChange});
 *   box.add(entry)   queue an entry ({task, ...}) and send it as soon as possible
 *
 * - One request at a time, up to maxBatch entries; entries added while a request
 *   is in flight go together in the next one, in the order they were added.
 * - Network errors and HTTP 5xx: the batch goes back to the front of the queue
 *   (order kept) and is retried after 1 s, 2 s, 4 s ... at most 15 s; a success
 *   resets the delay. Nothing is dropped, except entries undone (entry.undone)
 *   while they were in flight: those never got stored and are not retried.
 * - HTTP 401/403 (no or wrong access token): the batch is kept, the outbox stops
 *   (no retry loop) and onAuth is called; nothing is dropped.
 * - Other HTTP 4xx (the server refused the answer): entries are marked "failed"
 *   and handed to onRefused, not retried.
 * Entry status: "queued" → "sending" → "sent" | "failed".
 */

export const MAX_BATCH = 10;
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 15000;

/** The retry delay after a failure, given the previous one (0: none yet). */
export function nextDelay(prev, base = BASE_DELAY_MS, max = MAX_DELAY_MS) {
  return Math.min(prev ? prev * 2 : base, max);
}

/** "auth" (401/403), "refused" (other 4xx) or "retry" (no status, 5xx, anything else). */
export function classifyError(err) {
  const status = err && typeof err.status === "number" ? err.status : 0;
  if (status === 401 || status === 403) return "auth";
  if (status >= 400 && status < 500) return "refused";
  return "retry";
}

function noop() {}

export class Outbox {
  constructor(options) {
    const o = options || {};
    if (typeof o.send !== "function") throw new TypeError("Outbox needs a send(tasks) function");
    this.send = o.send;
    this.setTimer = o.setTimer || setTimeout;
    this.clearTimer = o.clearTimer || clearTimeout;
    this.maxBatch = o.maxBatch || MAX_BATCH;
    this.baseDelay = o.baseDelay || BASE_DELAY_MS;
    this.maxDelay = o.maxDelay || MAX_DELAY_MS;
    this.onSent = o.onSent || noop;          // (batch, responseData)
    this.onRefused = o.onRefused || noop;    // (batch, error)
    this.onRetry = o.onRetry || noop;        // (delayMs, error, nWaiting)
    this.onAuth = o.onAuth || noop;          // (error)
    this.onChange = o.onChange || noop;      // () after every state change
    this.queue = [];        // entries waiting, oldest first
    this.inFlight = null;   // the entries of the request in flight
    this.retryTimer = null;
    this.retryDelay = 0;
    this.blocked = null;    // the auth error that stopped the outbox
  }

  /** Entries not stored yet: queued or in flight. */
  pending() {
    return this.queue.length + (this.inFlight ? this.inFlight.length : 0);
  }

  add(entry) {
    entry.status = "queued";
    this.queue.push(entry);
    this.onChange();
    return this.flush();
  }

  /** Takes a queued entry back (undo). True if it was still waiting, so it is never sent. */
  take(entry) {
    const idx = this.queue.indexOf(entry);
    if (idx < 0) return false;
    this.queue.splice(idx, 1);
    this.onChange();
    return true;
  }

  /** Sends now, without waiting for a scheduled retry, and lifts an auth block. */
  retryNow() {
    this.blocked = null;
    if (this.retryTimer !== null) {
      this.clearTimer(this.retryTimer);
      this.retryTimer = null;
    }
    return this.flush();
  }

  /** Sends the next batch; resolves when it (and any that follow at once) are done. */
  async flush() {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.retryTimer !== null || this.blocked) return;
    const batch = this.queue.splice(0, this.maxBatch);
    batch.forEach(function (e) { e.status = "sending"; });
    this.inFlight = batch;
    this.onChange();
    let retry = false;
    let data;
    let error = null;
    try {
      data = await this.send(batch.map(function (e) { return e.task; }));
      batch.forEach(function (e) { e.status = "sent"; });
      this.retryDelay = 0;
    } catch (err) {
      error = err;
      const kind = classifyError(err);
      if (kind === "refused") {
        batch.forEach(function (e) { e.status = "failed"; });
      } else {
        // Unsent: back to the front, in order. An entry undone while in flight is
        // dropped here: it never got stored and it is back on screen already.
        const keep = batch.filter(function (e) { return !e.undone; });
        keep.forEach(function (e) { e.status = "queued"; });
        this.queue.unshift.apply(this.queue, keep);
        if (kind === "auth") this.blocked = err;
        else {
          this.retryDelay = nextDelay(this.retryDelay, this.baseDelay, this.maxDelay);
          retry = this.queue.length > 0;
        }
      }
    } finally {
      this.inFlight = null;
    }
    if (error === null) this.onSent(batch, data);
    else if (this.blocked === error) this.onAuth(error);
    else if (classifyError(error) === "refused") this.onRefused(batch, error);
    else this.onRetry(this.retryDelay, error, this.queue.length);
    if (retry) {
      const self = this;
      this.retryTimer = this.setTimer(function () {
        self.retryTimer = null;
        self.onChange();
        self.flush();
      }, this.retryDelay);
    }
    this.onChange();
    if (!retry && !this.blocked && this.queue.length) await this.flush();
  }
}
