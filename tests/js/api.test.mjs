// The API client: the access token (URL, sessionStorage, Authorization header), JSON, errors.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  resolveToken, createApi, requestOptions, ApiError, AUTH_MESSAGE, TOKEN_KEY,
} from "../../spacy_al/server/static/js/api.js";

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => { data.set(k, String(v)); },
    data: data,
  };
}

function fakeFetch(status, body) {
  const calls = [];
  const fn = async (path, opts) => {
    calls.push({ path, opts });
    return {
      ok: status >= 200 && status < 300,
      status: status,
      json: async () => { if (body === undefined) throw new SyntaxError("no JSON"); return body; },
    };
  };
  fn.calls = calls;
  return fn;
}

test("the token from the URL is kept in sessionStorage; a reload without it still has it", () => {
  const storage = memoryStorage();
  assert.equal(resolveToken("?session=alice&token=XYZ", storage), "XYZ");
  assert.equal(storage.getItem(TOKEN_KEY), "XYZ");
  assert.equal(resolveToken("?session=alice", storage), "XYZ", "after a reload without ?token");
  assert.equal(resolveToken("?token=NEW", storage), "NEW", "a new token in the URL wins");
  assert.equal(resolveToken("", storage), "NEW");
});

test("no token anywhere: null; storage that throws is survived", () => {
  assert.equal(resolveToken("?session=a", memoryStorage()), null);
  assert.equal(resolveToken("?token=", memoryStorage()), null);
  assert.equal(resolveToken("?session=a", null), null);
  const broken = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  assert.equal(resolveToken("?token=abc", broken), "abc");
  assert.equal(resolveToken("", broken), null);
  assert.equal(resolveToken("?token=a%2Bb%3D", null), "a+b=", "URL-decoded");
});

test("every request carries Authorization: Bearer <token>; POST bodies are JSON", async () => {
  const fetch = fakeFetch(200, { ok: 1 });
  const api = createApi(fetch, "XYZ");
  assert.deepEqual(await api("GET", "project"), { ok: 1 });
  await api("POST", "give_answers", { answers: [{ text: "a" }], session_id: "s" });
  await api("GET", "progress?session_id=s");
  assert.deepEqual(fetch.calls.map((c) => c.path), ["project", "give_answers", "progress?session_id=s"]);
  for (const c of fetch.calls) assert.equal(c.opts.headers.Authorization, "Bearer XYZ");
  const [get, post] = fetch.calls;
  assert.equal(get.opts.method, "GET");
  assert.equal(get.opts.body, undefined);
  assert.equal(get.opts.headers["Content-Type"], undefined);
  assert.equal(post.opts.method, "POST");
  assert.equal(post.opts.headers["Content-Type"], "application/json");
  assert.deepEqual(JSON.parse(post.opts.body), { answers: [{ text: "a" }], session_id: "s" });
});

test("without a token there is no Authorization header", () => {
  const opts = requestOptions("POST", {}, null);
  assert.equal("Authorization" in opts.headers, false);
  assert.deepEqual(opts.headers, { Accept: "application/json", "Content-Type": "application/json" });
});

test("401 and 403 are auth errors with the message to open the printed URL", async () => {
  for (const status of [401, 403]) {
    const api = createApi(fakeFetch(status, { detail: "Unauthorized" }), null);
    await assert.rejects(api("GET", "project"), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, status);
      assert.equal(err.auth, true);
      assert.equal(err.message, AUTH_MESSAGE);
      return true;
    });
  }
  assert.equal(AUTH_MESSAGE,
    "This server needs an access token: open the URL printed by spacy-al annotate");
});

test("other errors carry the server's message, or the status", async () => {
  await assert.rejects(createApi(fakeFetch(400, { error: "bad answer" }), "t")("POST", "give_answers", {}),
    (err) => err.status === 400 && err.auth === false && err.message === "bad answer");
  await assert.rejects(createApi(fakeFetch(422, { detail: "no session" }), "t")("GET", "x"),
    (err) => err.message === "no session");
  await assert.rejects(createApi(fakeFetch(503), "t")("GET", "x"),
    (err) => err.status === 503 && err.message === "HTTP 503");
});
