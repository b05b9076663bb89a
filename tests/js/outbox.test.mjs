// Outbox: batching, retry with back-off, nothing dropped, auth stop, refusals.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  Outbox, nextDelay, classifyError, MAX_BATCH,
} from "../../spacy_al/server/static/js/outbox.js";

function httpError(status) {
  const err = new Error("HTTP " + status);
  err.status = status;
  return err;
}

/** A scripted server: each send() waits until the test resolves or rejects it. */
function harness(options) {
  const calls = [];   // {tasks, resolve, reject}
  const timers = [];  // {fn, ms}
  const events = [];
  const box = new Outbox(Object.assign({
    send: function (tasks) {
      return new Promise(function (resolve, reject) { calls.push({ tasks: tasks, resolve: resolve, reject: reject }); });
    },
    setTimer: function (fn, ms) { timers.push({ fn: fn, ms: ms }); return timers.length; },
    clearTimer: function () {},
    onSent: function (batch, data) { events.push(["sent", batch.map((e) => e.task.id), data]); },
    onRefused: function (batch, err) { events.push(["refused", batch.map((e) => e.task.id), err.status]); },
    onRetry: function (delay, err, n) { events.push(["retry", delay, n]); },
    onAuth: function (err) { events.push(["auth", err.status]); },
  }, options || {}));
  return { box, calls, timers, events };
}

function entry(id) {
  return { task: { id: id } };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Answers the oldest open request and lets the outbox react. */
async function answer(h, outcome) {
  const call = h.calls.find((c) => !c.done);
  assert.ok(call, "a request is in flight");
  call.done = true;
  if (outcome instanceof Error) call.reject(outcome);
  else call.resolve(outcome);
  await tick();
  return call;
}

test("nextDelay doubles from 1 s up to 15 s", () => {
  const seen = [];
  let d = 0;
  for (let i = 0; i < 7; i++) { d = nextDelay(d); seen.push(d); }
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  assert.equal(nextDelay(0, 500, 3000), 500);
  assert.equal(nextDelay(2000, 500, 3000), 3000);
});

test("classifyError: 401/403 auth, other 4xx refused, the rest retried", () => {
  assert.equal(classifyError(httpError(401)), "auth");
  assert.equal(classifyError(httpError(403)), "auth");
  assert.equal(classifyError(httpError(400)), "refused");
  assert.equal(classifyError(httpError(422)), "refused");
  assert.equal(classifyError(httpError(500)), "retry");
  assert.equal(classifyError(httpError(503)), "retry");
  assert.equal(classifyError(new TypeError("Failed to fetch")), "retry");
});

test("one request at a time; answers given meanwhile go together next, in order", async () => {
  const h = harness();
  h.box.add(entry(1));
  assert.equal(h.calls.length, 1);
  h.box.add(entry(2));
  h.box.add(entry(3));
  assert.equal(h.calls.length, 1, "no second request while one is in flight");
  assert.equal(h.box.pending(), 3);
  await answer(h, { total: 1 });
  assert.equal(h.calls.length, 2);
  assert.deepEqual(h.calls[1].tasks.map((t) => t.id), [2, 3]);
  await answer(h, { total: 3 });
  assert.equal(h.box.pending(), 0);
  assert.deepEqual(h.events, [["sent", [1], { total: 1 }], ["sent", [2, 3], { total: 3 }]]);
});

test("batches hold at most maxBatch answers", async () => {
  const h = harness({ maxBatch: 3 });
  h.box.add(entry(0));
  for (let i = 1; i <= 7; i++) h.box.add(entry(i));
  await answer(h, {});
  await answer(h, {});
  await answer(h, {});
  assert.deepEqual(h.calls.map((c) => c.tasks.map((t) => t.id)), [[0], [1, 2, 3], [4, 5, 6], [7]]);
  assert.equal(MAX_BATCH, 10);
});

test("failures are retried with back-off, in order, and nothing is dropped", async () => {
  const h = harness();
  const entries = [1, 2, 3].map(entry);
  h.box.add(entries[0]);
  h.box.add(entries[1]);
  await answer(h, new TypeError("Failed to fetch"));      // [1] fails
  assert.deepEqual(h.timers.map((t) => t.ms), [1000]);
  assert.equal(h.box.pending(), 2);
  assert.deepEqual(h.box.queue.map((e) => e.status), ["queued", "queued"]);
  h.box.add(entries[2]);                                  // waits for the retry
  assert.equal(h.calls.length, 1, "nothing is sent before the retry is due");
  const delays = [1000];
  for (const status of [503, 500, 502, 504, 503]) {
    h.timers[h.timers.length - 1].fn();                   // the retry is due
    assert.deepEqual(h.calls[h.calls.length - 1].tasks.map((t) => t.id), [1, 2, 3]);
    await answer(h, httpError(status));
    delays.push(h.timers[h.timers.length - 1].ms);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(h.box.pending(), 3);
  h.timers[h.timers.length - 1].fn();
  await answer(h, { total: 3 });
  assert.equal(h.box.pending(), 0);
  assert.equal(h.box.retryDelay, 0, "a success resets the back-off");
  assert.deepEqual(entries.map((e) => e.status), ["sent", "sent", "sent"]);
  const sent = h.events.filter((e) => e[0] === "sent");
  assert.deepEqual(sent, [["sent", [1, 2, 3], { total: 3 }]]);
  // the next failure starts again at 1 s
  h.box.add(entry(4));
  await answer(h, httpError(503));
  assert.equal(h.timers[h.timers.length - 1].ms, 1000);
});

test("an answer undone while in flight is dropped on failure, the others kept", async () => {
  const h = harness();
  const a = entry(1);
  h.box.add(a);
  a.undone = true;                                        // undo while the request is out
  const b = entry(2);
  h.box.add(b);
  await answer(h, httpError(503));
  assert.deepEqual(h.box.queue.map((e) => e.task.id), [2]);
  assert.equal(h.box.pending(), 1);
});

test("take(): a queued answer is taken back and never sent", async () => {
  const h = harness();
  const a = entry(1);
  const b = entry(2);
  h.box.add(a);
  h.box.add(b);
  assert.equal(h.box.take(b), true);
  assert.equal(h.box.take(a), false, "in flight: too late to take back");
  await answer(h, {});
  assert.equal(h.calls.length, 1);
  assert.equal(h.box.pending(), 0);
});

test("401/403: the outbox stops without a retry loop and keeps every answer", async () => {
  for (const status of [401, 403]) {
    const h = harness();
    h.box.add(entry(1));
    h.box.add(entry(2));
    await answer(h, httpError(status));
    assert.deepEqual(h.events, [["auth", status]]);
    assert.equal(h.timers.length, 0, "no retry scheduled");
    h.box.add(entry(3));
    assert.equal(h.calls.length, 1, "blocked: nothing more is sent");
    assert.deepEqual(h.box.queue.map((e) => e.task.id), [1, 2, 3]);
    assert.equal(h.box.pending(), 3);
    h.box.retryNow();                                     // e.g. after the token is fixed
    assert.deepEqual(h.calls[1].tasks.map((t) => t.id), [1, 2, 3]);
    await answer(h, {});
    assert.equal(h.box.pending(), 0);
  }
});

test("other 4xx: the batch is refused (status failed), not retried", async () => {
  const h = harness();
  const a = entry(1);
  h.box.add(a);
  h.box.add(entry(2));
  await answer(h, httpError(400));
  assert.equal(a.status, "failed");
  assert.deepEqual(h.events[0], ["refused", [1], 400]);
  assert.equal(h.timers.length, 0);
  // the next answer is sent at once
  assert.deepEqual(h.calls[1].tasks.map((t) => t.id), [2]);
});

test("flush() resolves once everything queued is sent", async () => {
  let n = 0;
  const sent = [];
  const box = new Outbox({
    send: async (tasks) => { n++; sent.push(tasks.map((t) => t.id)); return {}; },
    setTimer: () => { throw new Error("no retry expected"); },
  });
  box.queue.push(entry(1), entry(2));
  await box.flush();
  assert.equal(n, 1);
  assert.deepEqual(sent, [[1, 2]]);
  assert.throws(() => new Outbox({}), TypeError);
});
