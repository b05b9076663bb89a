// Keyboard shortcuts and the task queue.
import { test } from "node:test";
import assert from "node:assert/strict";

import { keyAction, isTypingTarget } from "../../spacy_al/server/static/js/keys.js";
import { taskKey, enqueueNew } from "../../spacy_al/server/static/js/queue.js";

const MANUAL = { manual: true, nLabels: 4 };
const TEACH = { manual: false, nLabels: 4 };
const k = (key, extra) => Object.assign({ key: key }, extra || {});

test("answer keys: a accept, x reject, space ignore, backspace undo", () => {
  for (const ctx of [MANUAL, TEACH]) {
    assert.deepEqual(keyAction(k("a"), ctx), { type: "answer", answer: "accept" });
    assert.deepEqual(keyAction(k("A"), ctx), { type: "answer", answer: "accept" });
    assert.deepEqual(keyAction(k("x"), ctx), { type: "answer", answer: "reject" });
    assert.deepEqual(keyAction(k(" "), ctx), { type: "answer", answer: "ignore" });
    assert.deepEqual(keyAction(k("Backspace"), ctx), { type: "undo" });
  }
  assert.deepEqual(keyAction(k("a", { repeat: true }), MANUAL), { type: "none" }, "held down: once");
  assert.equal(keyAction(k("a", { ctrlKey: true }), MANUAL), null, "ctrl+a stays the browser's");
  assert.equal(keyAction(k("x", { metaKey: true }), MANUAL), null);
  assert.equal(keyAction(k("q"), MANUAL), null);
});

test("1-9 pick a label (in the manual view, if it exists)", () => {
  assert.deepEqual(keyAction(k("1"), MANUAL), { type: "label", index: 0 });
  assert.deepEqual(keyAction(k("4"), MANUAL), { type: "label", index: 3 });
  assert.deepEqual(keyAction(k("5"), MANUAL), { type: "none" });
  assert.deepEqual(keyAction(k("1"), TEACH), { type: "none" });
  assert.equal(keyAction(k("0"), MANUAL), null);
  assert.equal(keyAction(k("1", { shiftKey: true }), MANUAL), null);
});

test("arrows, shift+arrows, Home/End, Enter, Delete only in the manual view; Escape always", () => {
  assert.deepEqual(keyAction(k("ArrowRight"), MANUAL), { type: "move", delta: 1, extend: false });
  assert.deepEqual(keyAction(k("ArrowLeft", { shiftKey: true }), MANUAL), { type: "move", delta: -1, extend: true });
  assert.deepEqual(keyAction(k("Home"), MANUAL), { type: "move", delta: 0, extend: false, to: "first" });
  assert.deepEqual(keyAction(k("End", { shiftKey: true }), MANUAL), { type: "move", delta: 0, extend: true, to: "last" });
  assert.deepEqual(keyAction(k("Enter"), MANUAL), { type: "apply" });
  assert.deepEqual(keyAction(k("Delete"), MANUAL), { type: "delete" });
  for (const key of ["ArrowRight", "ArrowLeft", "Home", "End", "Enter", "Delete"]) {
    assert.equal(keyAction(k(key), TEACH), null, key + " in the teach view");
  }
  assert.deepEqual(keyAction(k("Escape"), TEACH), { type: "escape" });
});

test("isTypingTarget: form fields keep their keys", () => {
  assert.equal(isTypingTarget({ tagName: "INPUT" }), true);
  assert.equal(isTypingTarget({ tagName: "TEXTAREA" }), true);
  assert.equal(isTypingTarget({ tagName: "DIV", isContentEditable: true }), true);
  assert.equal(isTypingTarget({ tagName: "BODY" }), false);
  assert.equal(isTypingTarget(null), false);
});

test("tasks are queued once: by _task_hash, else _input_hash, else text and spans", () => {
  assert.equal(taskKey({ _task_hash: 5, _input_hash: 1 }), "t5");
  assert.equal(taskKey({ _input_hash: 1 }), "i1");
  assert.equal(taskKey({ _task_hash: 0 }), "t0", "hash 0 is a hash");
  assert.equal(taskKey({ text: "a" }), 'x["a",[]]');
  const queue = [];
  const seen = new Set();
  assert.equal(enqueueNew(queue, seen, [{ _task_hash: 1 }, { _task_hash: 2 }]), 2);
  assert.equal(enqueueNew(queue, seen, [{ _task_hash: 2 }, { _task_hash: 3 }, { _task_hash: 3 }]), 1);
  assert.deepEqual(queue.map((t) => t._task_hash), [1, 2, 3]);
  assert.equal(enqueueNew(queue, seen, undefined), 0);
});
