// The review view's pure rules: versions, the matching version, version keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  versionsOf, spanKey, sameSpans, matchingVersion, resultText, reviewKey, sessionName, versionKeyName,
  rejectedVersion,
} from "../../spacy_al/server/static/js/review_logic.js";

const PER = { start: 0, end: 4, token_start: 0, token_end: 0, label: "PER" };
const LOC = { start: 14, end: 18, token_start: 3, token_end: 3, label: "LOC" };
const ORG = { start: 14, end: 18, token_start: 3, token_end: 3, label: "ORG" };
const TASK = {
  text: "Carl lives in Rome",
  versions: [
    { version: 1, sessions: ["in-anna", "in-bert"], spans: [PER] },
    { version: 2, sessions: ["in-cleo"], spans: [LOC, PER] },
    { version: 3, sessions: ["in-dora"], spans: [ORG, PER] },
  ],
};

test("versionsOf: numbered 1.., sessions as strings, malformed parts dropped", () => {
  assert.deepEqual(versionsOf(TASK).map((v) => [v.version, v.sessions, v.spans.length]),
    [[1, ["in-anna", "in-bert"], 1], [2, ["in-cleo"], 2], [3, ["in-dora"], 2]]);
  assert.deepEqual(versionsOf({}), []);
  assert.deepEqual(versionsOf(null), []);
  const odd = versionsOf({ versions: [null, { sessions: [7], spans: [{ label: 1 }, PER] }, "x"] });
  assert.deepEqual(odd, [{ version: 1, answer: "accept", sessions: ["7"], spans: [PER] }]);
});

test("a rejected version: answer reject, no spans, never the version of a result", () => {
  const task = { versions: [...TASK.versions.slice(0, 1),
                            { answer: "reject", sessions: ["in-eve"], spans: [LOC] },
                            { sessions: ["in-fay"], spans: [] }] };
  const versions = versionsOf(task);
  assert.deepEqual(versions.map((v) => [v.answer, v.spans.length]),
    [["accept", 1], ["reject", 0], ["accept", 0]]);
  assert.equal(rejectedVersion(versions), 1);
  assert.equal(rejectedVersion(versionsOf(TASK)), -1);
  assert.equal(matchingVersion([], versions), 2, "no spans: the accepted version without any");
  assert.equal(matchingVersion([], versions.slice(0, 2)), -1, "not the rejection");
  assert.equal(resultText([], versions.slice(0, 2)), "edited");
});

test("spanKey and sameSpans ignore order and character offsets", () => {
  assert.equal(spanKey([LOC, PER]), spanKey([PER, LOC]));
  assert.ok(sameSpans([PER, LOC], [LOC, { ...PER, start: 99 }]));
  assert.ok(!sameSpans([PER, LOC], [PER, ORG]), "the label counts");
  assert.ok(!sameSpans([PER], [PER, LOC]));
  assert.ok(sameSpans([], undefined));
});

test("matchingVersion: the version with these spans, -1 when edited", () => {
  const versions = versionsOf(TASK);
  assert.equal(matchingVersion([PER], versions), 0);
  assert.equal(matchingVersion([PER, LOC], versions), 1);
  assert.equal(matchingVersion([PER, ORG], versions), 2);
  assert.equal(matchingVersion([LOC], versions), -1);
  assert.equal(matchingVersion([], versions), -1);
  assert.equal(matchingVersion([], []), -1);
});

test("resultText names the version and its sessions, or says edited", () => {
  const versions = versionsOf(TASK);
  assert.equal(resultText([LOC, PER], versions), "version 2 (in-cleo)");
  assert.equal(resultText([LOC], versions), "edited");
  assert.equal(resultText([], [{ version: 1, sessions: [], spans: [] }]), "version 1");
});

test("reviewKey: shift+1..N take a version, plain digits are the labels' (not ours)", () => {
  const shift = (n, extra) => Object.assign({ key: "!", code: "Digit" + n, shiftKey: true }, extra);
  assert.deepEqual(reviewKey(shift(1), 3), { type: "version", index: 0 });
  assert.deepEqual(reviewKey(shift(3, { key: "§" }), 3), { type: "version", index: 2 },
    "the layout's character does not matter");
  assert.deepEqual(reviewKey(shift(4), 3), { type: "none" });
  assert.deepEqual(reviewKey(shift(2, { repeat: true }), 3), { type: "none" });
  assert.equal(reviewKey({ key: "3", code: "Digit3" }, 3), null, "3 without shift: a label");
  assert.equal(reviewKey(shift(0), 3), null);
  assert.equal(reviewKey({ key: "A", code: "KeyA", shiftKey: true }, 3), null);
  assert.equal(reviewKey(shift(1, { ctrlKey: true }), 3), null);
  assert.equal(reviewKey({ key: "1", shiftKey: true }, 3), null, "no code: not a version key");
  assert.equal(reviewKey(null, 3), null);
  assert.equal(versionKeyName(2), "shift+2");
});

test("sessionName drops a known dataset prefix only", () => {
  assert.equal(sessionName("in-anna", ["in"]), "anna");
  assert.equal(sessionName("in-", ["in"]), "in-");
  assert.equal(sessionName("other-anna", ["in"]), "other-anna");
  assert.equal(sessionName("b-c-anna", ["a", "b-c"]), "anna");
});

test("review_logic.js uses no browser globals (it runs in Node)", () => {
  const url = new URL("../../spacy_al/server/static/js/review_logic.js", import.meta.url);
  const code = readFileSync(url, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  assert.doesNotMatch(code, /\b(document|window|localStorage|sessionStorage|navigator)\s*[.[(]/);
  assert.doesNotMatch(code, /innerHTML/);
});
