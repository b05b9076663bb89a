// Undo history: unsent answers are discarded, sent ones come back to be answered again.
import { test } from "node:test";
import assert from "node:assert/strict";

import { History, undoLast, undoMessage, HISTORY_LIMIT } from "../../spacy_al/server/static/js/undo.js";
import { Outbox } from "../../spacy_al/server/static/js/outbox.js";

function answered(id, answer, spans) {
  return { task: { id: id, answer: answer, spans: spans }, original: { id: id, spans: [] }, status: "queued" };
}

test("History keeps the newest entries up to its limit", () => {
  const h = new History(3);
  for (let i = 0; i < 5; i++) h.push({ i: i });
  assert.equal(h.length, 3);
  assert.deepEqual(h.entries.map((e) => e.i), [2, 3, 4]);
  assert.equal(h.pop().i, 4);
  assert.equal(h.pop().i, 3);
  assert.equal(h.pop().i, 2);
  assert.equal(h.pop(), null);
  assert.equal(HISTORY_LIMIT, 200);
});

test("remove() and anySent()", () => {
  const h = new History();
  const a = h.push({ status: "queued" });
  const b = h.push({ status: "sent" });
  assert.equal(h.anySent(), true);
  h.remove([b]);
  assert.deepEqual(h.entries, [a]);
  assert.equal(h.anySent(), false);
});

test("undo of an answer still in the outbox: taken out, never sent", async () => {
  const sent = [];
  let release;
  const box = new Outbox({ send: (tasks) => { sent.push(tasks.map((t) => t.id)); return new Promise((r) => { release = r; }); } });
  const h = new History();
  const first = h.push(answered(1, "accept", []));
  box.add(first);                                   // in flight
  const second = h.push(answered(2, "reject", [{ label: "PER" }]));
  box.add(second);                                  // waiting
  const result = undoLast(h, box, () => true);
  assert.equal(result.entry, second);
  assert.equal(result.unsent, true);
  assert.equal(second.undone, true);
  assert.deepEqual(result.spans, [{ label: "PER" }], "the answer's spans come back on screen");
  assert.equal(undoMessage(result), "Undone: the reject answer was not sent and is discarded.");
  release({});
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, [[1]], "the undone answer never reached the server");
  assert.equal(box.pending(), 0);
});

test("undo of a sent answer: the task comes back, the database keeps the answer", () => {
  const h = new History();
  const e = h.push(answered(7, "accept", [{ label: "ORG" }]));
  e.status = "sent";
  const noOutbox = { take: () => false };
  const result = undoLast(h, noOutbox, () => true);
  assert.equal(result.unsent, false);
  assert.equal(result.entry.original.id, 7);
  assert.match(undoMessage(result), /already saved; answering again records a newer answer/);
  assert.equal(h.length, 0);
});

test("undo in the teach view shows the task's own suggestion (spans null)", () => {
  const h = new History();
  h.push(answered(3, "reject", [{ label: "ORG" }]));
  const result = undoLast(h, { take: () => false }, () => false);
  assert.equal(result.spans, null);
});

test("undo with nothing to undo", () => {
  const h = new History();
  assert.equal(undoLast(h, { take: () => false }), null);
  assert.equal(undoMessage(null), "Nothing to undo.");
});

test("undo, newest first, several times", () => {
  const h = new History();
  const box = { queue: [], take(e) { const i = this.queue.indexOf(e); if (i < 0) return false; this.queue.splice(i, 1); return true; } };
  for (const id of [1, 2, 3]) box.queue.push(h.push(answered(id, "accept", [])));
  assert.deepEqual([undoLast(h, box), undoLast(h, box)].map((r) => r.entry.task.id), [3, 2]);
  assert.deepEqual(box.queue.map((e) => e.task.id), [1]);
});
