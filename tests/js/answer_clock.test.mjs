// The time an answer took: active time, idle gaps cut, hidden time not counted.
import { test } from "node:test";
import assert from "node:assert/strict";

import { AnswerClock, IDLE_MS, clockHelp, paceText } from "../../spacy_al/server/static/js/answer_clock.js";

test("steady work counts in full", () => {
  const clock = new AnswerClock(30000);
  clock.start(1000);
  for (const t of [3000, 8000, 12000]) clock.activity(t);
  assert.equal(clock.stop(15000), 14000);
  assert.equal(clock.running(), false);
});

test("a gap longer than the idle limit counts as the limit", () => {
  const clock = new AnswerClock(30000);
  clock.start(0);
  clock.activity(5000);
  clock.activity(5000 + 10 * 60000);          // ten minutes away: 30 s counted
  assert.equal(clock.stop(5000 + 10 * 60000 + 2000), 5000 + 30000 + 2000);
  clock.start(0);
  assert.equal(clock.stop(3600000), 30000, "no input at all: the clock stopped at the limit");
});

test("hidden time is not counted; the clock resumes when the page is shown", () => {
  const clock = new AnswerClock(30000);
  clock.start(0);
  clock.activity(4000);
  clock.visibility(true, 6000);              // 2 s more, then hidden
  clock.activity(20000);                     // no count while hidden
  clock.visibility(false, 500000);           // back after minutes
  assert.equal(clock.elapsed(503000), 9000);
  assert.equal(clock.stop(503000), 9000);
  clock.start(0, 0, true);                   // a task shown in a hidden tab
  clock.visibility(false, 70000);
  assert.equal(clock.stop(71000), 1000);
});

test("an undone answer shown again keeps the time already spent", () => {
  const clock = new AnswerClock(30000);
  clock.start(0, 12000);
  assert.equal(clock.stop(5000), 17000);
  clock.start(0, -5);
  assert.equal(clock.stop(1000), 1000, "a bad base counts as none");
  clock.start(0, NaN);
  assert.equal(clock.stop(1000), 1000);
});

test("time going backwards (clock adjustments) never subtracts; whole ms", () => {
  const clock = new AnswerClock(30000);
  clock.start(10000);
  clock.activity(9000);
  assert.equal(clock.stop(9000.6), 1);
  const stopped = new AnswerClock();
  assert.equal(stopped.idleMs, IDLE_MS);
  stopped.activity(5000);                    // not started: nothing happens
  assert.equal(stopped.stop(9000), 0);
});

test("the pace in words: seconds per answer and answers an hour; nothing before a timed answer", () => {
  assert.equal(paceText({ answers: 20, timed: 20, seconds_per_answer: 12.4, answers_per_hour: 290.3 }),
    "this session: 12 s per answer · 290 answers an hour (active time)");
  assert.equal(paceText({ answers: 20, timed: 18, seconds_per_answer: 6.25, answers_per_hour: 576 }),
    "this session: 6.3 s per answer · 576 answers an hour (active time, 18 of 20 answers timed)");
  assert.equal(paceText({ answers: 3, timed: 0, seconds_per_answer: null, answers_per_hour: null }), "");
  assert.equal(paceText(undefined), "");
  assert.equal(paceText({ timed: 2, seconds_per_answer: "5", answers_per_hour: 720 }), "");
  assert.match(clockHelp(30000), /stops after 30 s without input/);
});

test("random event sequences: the active time never exceeds the wall time nor goes down", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let run = 0; run < 200; run++) {
    const clock = new AnswerClock(30000);
    clock.start(0);
    let now = 0;
    let before = 0;
    let visibleMs = 0;
    let hidden = false;
    for (let step = 0; step < 40; step++) {
      const dt = rand() < 0.1 ? rand() * 600000 : rand() * 8000;
      if (!hidden) visibleMs += dt;
      now += dt;
      if (rand() < 0.15) { hidden = !hidden; clock.visibility(hidden, now); }
      else clock.activity(now);
      const elapsed = clock.elapsed(now);
      assert.ok(elapsed >= before, "never goes down");
      assert.ok(elapsed <= Math.round(visibleMs) + 1, "never more than the visible time");
      before = elapsed;
    }
    assert.equal(clock.stop(now), before);
  }
});
