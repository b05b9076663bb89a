// The model panel's stopping signal: kappa trend and "the model has stabilised".
import { test } from "node:test";
import assert from "node:assert/strict";

import { kappaTrend, stabilityView } from "../../spacy_al/server/static/js/stability.js";

test("the trend shows the last kappas, three decimals, oldest first", () => {
  assert.equal(kappaTrend([0.5, 0.91234, 0.97, 0.99, 0.995], 4), "0.912 → 0.970 → 0.990 → 0.995");
  assert.equal(kappaTrend([0.8], 4), "0.800");
  assert.equal(kappaTrend([], 4), "");
  assert.equal(kappaTrend(undefined, 4), "");
  assert.equal(kappaTrend([0.9, null, "x", NaN, 0.95], 2), "0.900 → 0.950", "non-numbers dropped");
});

test("stabilised only when the server says so", () => {
  const calm = stabilityView({ kappas: [0.991, 0.995, 0.999], stabilised: true });
  assert.equal(calm.stabilised, true);
  assert.equal(calm.text, "0.991 → 0.995 → 0.999 · the model has stabilised");
  assert.match(calm.title, /3 updates/);
  const moving = stabilityView({ kappas: [0.7], stabilised: false });
  assert.equal(moving.stabilised, false);
  assert.equal(moving.text, "0.700");
  assert.equal(stabilityView({ stabilised: "yes" }).stabilised, false, "only a real true");
});

test("no model or no kappas yet: a dash", () => {
  assert.equal(stabilityView(null).text, "—");
  assert.equal(stabilityView({}).text, "—");
  assert.equal(stabilityView({ kappas: [] }).trend, "");
});
