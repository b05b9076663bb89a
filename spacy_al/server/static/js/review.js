/*
 * The review view (recipe `review`, DOM): each version of the sentence with its
 * sessions above the editable result. Keys shift+1..N or a click take a version; the
 * result below is edited as in ner_manual (1..9 pick a label there, as in every view); the version the result matches is
 * marked (or "edited"). The rules live in review_logic.js.
 *
 * Safety: task text, labels and session names are untrusted: createElement and
 * textContent only.
 */

import { normaliseSpans, tokenOwners } from "./spans.js";
import { $, appendTokens, el } from "./view.js";
import * as R from "./review_logic.js";

/**
 * state: the page's state ({current, view, spans, project}).
 * hooks: {color(label) → css colour, renderText() → redraws the editable result}.
 */
export function createReview(state, hooks) {
  const box = el("section", "review-versions");
  box.id = "versions";
  box.hidden = true;
  box.setAttribute("aria-label", "Versions");
  const list = el("div", "review-list");
  const result = el("div", "review-result");
  result.id = "review-result";
  box.append(list, result);
  $("card").insertBefore(box, $("labels"));
  const help = el("div", "help-review");
  help.append(el("kbd", "", "shift"), "+", el("kbd", "", "1"), "…", el("kbd", "", "9"),
    " or a click: take that version as the result · then edit it with the keys below " +
    "(1…9 pick a label, as in every view)");
  help.hidden = true;
  $("help").prepend(help);
  // The editor redraws #text after every edit: mark the version the result matches then.
  new MutationObserver(markPicked).observe($("text"), { childList: true });

  function active() { return !!state.current && state.view === "review"; }
  function versions() { return R.versionsOf(state.current); }
  function datasets() {
    const config = (state.project && state.project.config) || {};
    return Array.isArray(config.in_sets) ? config.in_sets : [];
  }

  function render() {
    list.replaceChildren();
    box.hidden = !active();
    help.hidden = !active();
    if (!active()) return;
    versions().forEach(function (version, i) { list.append(versionRow(version, i)); });
    markPicked();
  }

  function versionRow(version, i) {
    const row = el("div", "review-version");
    row.dataset.version = String(version.version);
    row.setAttribute("role", "button");
    row.title = "Use this version (" + R.versionKeyName(version.version) + ")";
    const head = el("div", "review-head");
    head.append(el("kbd", "review-key", R.versionKeyName(version.version)),
      document.createTextNode(" "));
    version.sessions.forEach(function (session, k) {
      const name = el("span", "review-session", R.sessionName(session, datasets()));
      name.title = session;
      if (k) head.append(document.createTextNode(", "));
      head.append(name);
    });
    const text = el("div", "review-text");
    renderSpans(text, state.current, version.spans);
    if (version.answer === "reject") {  // the sessions that rejected the sentence
      row.dataset.answer = "reject";
      row.title = "Rejected by these sessions: take it, then x to reject (" +
        R.versionKeyName(version.version) + ")";
      head.append(document.createTextNode(" "), el("span", "review-rejected", "✗ rejected"));
    }
    row.append(head, text);
    row.addEventListener("mousedown", function (e) { e.preventDefault(); });
    row.addEventListener("click", function () { pick(i); });
    return row;
  }

  /** The tokens of `task` into `node`, `spans` as read-only <mark>s. */
  function renderSpans(node, task, spans) {
    const tokens = task.tokens || [];
    const text = typeof task.text === "string" ? task.text : null;
    const owner = tokenOwners(normaliseSpans(tokens, spans), tokens.length);
    appendTokens(node, tokens, text, owner, function (token) {
      return el("span", "review-tok", token.text);
    }, function (span) {
      const mark = el("mark", "ent");
      mark.dataset.label = span.label;
      mark.style.setProperty("--label-color", hooks.color(span.label));
      return mark;
    });
  }

  function markPicked() {
    if (!active()) return;
    const all = versions();
    const picked = R.matchingVersion(state.spans, all);
    list.querySelectorAll(".review-version").forEach(function (row, i) {
      row.classList.toggle("picked", i === picked);
      row.setAttribute("aria-pressed", i === picked ? "true" : "false");
    });
    result.dataset.picked = picked < 0 ? "edited" : String(picked + 1);
    const rejected = R.rejectedVersion(all);
    result.textContent = "Result below: " + R.resultText(state.spans, all) +
      " · shift+1–" + all.length + " or a click: take a version · edit the spans below " +
      "(1–9: labels) · a: accept" +
      (rejected < 0 ? "" : " · x: reject (as version " + all[rejected].version + ")");
  }

  /** Take version i as the result (a copy: editing it leaves the version as it was). */
  function pick(i) {
    const all = versions();
    if (!active() || i < 0 || i >= all.length) return;
    state.spans = normaliseSpans(state.current.tokens, JSON.parse(JSON.stringify(all[i].spans)));
    hooks.renderText();
    markPicked();
  }

  /** A key event in the review view: true when it was ours (shift+digit: a version). */
  function onKey(e) {
    if (!active()) return false;
    const action = R.reviewKey(e, versions().length);
    if (!action) return false;
    e.preventDefault();
    if (action.type === "version") pick(action.index);
    return true;
  }

  return { render, pick, onKey, markPicked };
}
