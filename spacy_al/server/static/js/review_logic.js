/*
 * The review view's rules, pure (no DOM): the versions of a review task, which
 * version the edited spans match, and the version keys 1..N.
 *
 * A review task (recipe `review`) carries `versions`: [{version, answer, sessions,
 * spans}], distinct annotations of the sentence (answer "reject": the sessions that
 * rejected it), and `spans`: the result being edited.
 */

/**
 * The task's versions, checked: [{version (1..), answer ("accept" | "reject"),
 * sessions: [string], spans: [span] (none for a rejected version)}].
 */
export function versionsOf(task) {
  const raw = task && Array.isArray(task.versions) ? task.versions : [];
  return raw.filter(function (v) { return v && typeof v === "object"; }).map(function (v, i) {
    const rejected = v.answer === "reject";
    return {
      version: i + 1,
      answer: rejected ? "reject" : "accept",
      sessions: Array.isArray(v.sessions) ? v.sessions.map(String) : [],
      spans: !rejected && Array.isArray(v.spans) ? v.spans.filter(isSpan) : [],
    };
  });
}

/** The index (0-based) of the rejected version, or -1 when no session rejected it. */
export function rejectedVersion(versions) {
  return (versions || []).findIndex(function (v) { return v.answer === "reject"; });
}

function isSpan(span) {
  return !!span && Number.isInteger(span.token_start) && Number.isInteger(span.token_end) &&
    typeof span.label === "string";
}

/** A canonical string of a list of spans (order-free): token range and label. */
export function spanKey(spans) {
  return (spans || []).filter(isSpan)
    .map(function (s) { return [s.token_start, s.token_end, s.label]; })
    .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); })
    .map(function (s) { return JSON.stringify(s); }).join(",");
}

export function sameSpans(a, b) {
  return spanKey(a) === spanKey(b);
}

/** The index (0-based) of the accepted version whose spans equal `spans`, or -1 (edited). */
export function matchingVersion(spans, versions) {
  const key = spanKey(spans);
  for (let i = 0; i < (versions || []).length; i++) {
    if (versions[i].answer !== "reject" && spanKey(versions[i].spans) === key) return i;
  }
  return -1;
}

/** What the result is, in words: "version 2 (anna, bert)" or "edited". */
export function resultText(spans, versions) {
  const i = matchingVersion(spans, versions);
  if (i < 0) return "edited";
  const who = versions[i].sessions.length ? " (" + versions[i].sessions.join(", ") + ")" : "";
  return "version " + versions[i].version + who;
}

/**
 * A key in the review view ({key, code, shiftKey, ctrlKey, metaKey, altKey, repeat}):
 * shift+1..N take version N ({type: "version", index}); shift with another digit is
 * ours and does nothing ({type: "none"}); anything else is null (not ours: the digits
 * without shift pick labels, as in every view). `code` (Digit1..Digit9) is read, not
 * `key`, which is "!" or "&" for shift+1 depending on the keyboard layout.
 */
export function reviewKey(e, nVersions) {
  if (!e || !e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code || "");
  if (!digit) return null;
  const index = Number(digit[1]) - 1;
  if (e.repeat || index >= nVersions) return { type: "none" };
  return { type: "version", index: index };
}

/** The key that takes version `n` (1-based), as the page writes it. */
export function versionKeyName(n) {
  return "shift+" + n;
}

/** The short session name: "anna" for "in-anna" when the dataset prefix is known. */
export function sessionName(sessionId, datasets) {
  const id = String(sessionId);
  for (const name of datasets || []) {
    const prefix = String(name) + "-";
    if (id.startsWith(prefix) && id.length > prefix.length) return id.slice(prefix.length);
  }
  return id;
}
