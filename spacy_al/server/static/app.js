/*
 * spacy-al annotation UI: plain JavaScript ES modules, no build step, nothing fetched
 * from outside. This entry module holds the page's state and wires the parts together.
 * Pure (no DOM): js/api.js (fetch, the access token), js/outbox.js (answers waiting to
 * be sent, retry with back-off), js/undo.js, js/spans.js, js/keys.js, js/queue.js,
 * js/review_logic.js, js/answer_clock.js (the time an answer took). DOM: js/editor.js,
 * js/view.js (the task card), js/panels.js, js/review.js, js/clock_view.js.
 *
 * Views: ner_manual (edit the spans: al-correct, ner.manual); ner (one suggestion,
 * accept / reject: al-teach); review (the versions of several sessions: take one with
 * shift+1..N or a click, edit it). Every answer is sent as soon as it is given, with
 * its active time (_annotation_ms); the page warns before closing while any wait. A
 * refused answer (4xx) comes back on screen; 401/403 stops the page's requests.
 */

import { AUTH_MESSAGE, createApi, resolveToken } from "./js/api.js";
import { Outbox } from "./js/outbox.js";
import { enqueueNew } from "./js/queue.js";
import { History, undoLast, undoMessage } from "./js/undo.js";
import * as S from "./js/spans.js";
import { keyAction, isTypingTarget } from "./js/keys.js";
import * as V from "./js/view.js";
import { createEditor } from "./js/editor.js";
import * as P from "./js/panels.js";
import { createReview } from "./js/review.js";
import { ANNOTATION_MS, createPageClock } from "./js/clock_view.js";

const LOW_WATER = 2;            // fetch more questions when this few are queued
const PROGRESS_POLL_MS = 5000;
const EMPTY_POLL_MS = 10000;

const SESSION = (new URLSearchParams(window.location.search).get("session") || "").trim() || null;
const api = createApi(window.fetch.bind(window), resolveToken(window.location.search, sessionStore()));

const history = new History();
const outbox = new Outbox({
  send: function (tasks) { return api("POST", "give_answers", sessionBody({ answers: tasks })); },
  setTimer: function (fn, ms) { return window.setTimeout(fn, ms); },
  clearTimer: function (id) { window.clearTimeout(id); },
  onSent: onSent, onRefused: onRefused, onAuth: authFailed, onChange: renderStatus,
  onRetry: function (delay, err, waiting) {
    P.showError("Could not save (" + err.message + "); " + waiting +
                " answer(s) kept and retried in " + Math.round(delay / 1000) + " s.", "save");
  },
});

const state = {
  project: null,
  labels: [],
  colors: {},
  defaultView: "ner_manual",
  queue: [],          // tasks fetched and not shown yet
  current: null,      // the task on screen (as received)
  spans: [],          // the editable spans of the current task
  view: "ner_manual",
  history: history,
  outbox: outbox,
  get retryTimer() { return outbox.retryTimer; },
  activeLabel: 0,
  sel: S.newSelection(),
  drag: null,         // {anchor, focus, moved}
  fetching: false,
  exhausted: false,
  authFailed: false,
  seen: new Set(),
  totals: { total: null, sessionTotal: null, remaining: null, progress: null },
};

const editor = createEditor(state, { isManual: isManual, color: color });
const review = createReview(state, { color: color, renderText: function () { editor.renderText(); } });
const clock = createPageClock();

function sessionBody(extra) {
  const body = Object.assign({}, extra);
  if (SESSION) body.session_id = SESSION;
  return body;
}

function sessionStore() {  // null where storage is blocked: the token is then not kept over a reload
  try { return window.sessionStorage; } catch (e) { return null; }
}
function isManual() { return state.view === "ner_manual" || state.view === "review"; }  // spans edited
function isManualTask(task) { return ["ner_manual", "review"].includes(task._view_id || state.defaultView); }
function color(label) { return V.labelColor(label, state.labels, state.colors); }

/** 401/403 from any request: say what to do, stop the polls and the outbox. */
function authFailed() {
  state.authFailed = true;
  P.showError(AUTH_MESSAGE, "auth");
  if (!state.current) P.renderEmpty("auth");
  renderStatus();
}

// ------------------------------------------------------------ the stream

async function loadProject() {
  const project = (await api("GET", "project")) || {};
  state.project = project;
  state.labels = Array.isArray(project.labels) ? project.labels.map(String) : [];
  state.defaultView = project.view_id || "ner_manual";
  const theme = (project.config && project.config.custom_theme) || {};
  if (theme.labels && typeof theme.labels === "object") {
    for (const key of Object.keys(theme.labels)) state.colors[key] = String(theme.labels[key]);
  }
  P.renderProject(project, SESSION);
  editor.renderLabels();
}

async function fetchQuestions() {
  if (state.fetching || state.authFailed) return;
  state.fetching = true;
  try {
    const data = await api("POST", "get_session_questions", sessionBody({}));
    updateTotals(data);
    if (data && typeof data.session_id === "string") V.$("session").title = "session_id " + data.session_id;
    const added = enqueueNew(state.queue, state.seen, data && data.tasks);
    state.exhausted = added === 0;
    P.clearError("fetch");
  } catch (err) {
    if (err.auth) authFailed();
    else P.showError("Could not load tasks: " + err.message, "fetch");
  } finally {
    state.fetching = false;
  }
  if (!state.current && state.queue.length) nextTask();
  else if (!state.current) showEmpty();
}

function nextTask() {
  state.current = state.queue.length ? state.queue.shift() : null;
  if (state.current) showTask(state.current, null);
  else showEmpty();
  if (state.queue.length < LOW_WATER && !state.fetching) fetchQuestions();
}

function showTask(task, spans, spentMs) {  // spentMs: time already spent on it (undo)
  const tokens = S.ensureTokens(task);
  clock.start(spentMs);
  state.view = task._view_id || state.defaultView;
  state.spans = S.normaliseSpans(tokens, spans || task.spans);
  state.sel = S.newSelection();
  state.drag = null;
  P.hideNote();
  render();
}

async function refreshProgress() {
  if (state.authFailed) return;
  const query = SESSION ? "?session_id=" + encodeURIComponent(SESSION) : "";
  const data = await api("GET", "progress" + query).catch(function (err) {
    if (err.auth) authFailed();
    return null;
  });
  if (!data || typeof data !== "object") return;
  if (typeof data.session_total === "number") state.totals.sessionTotal = data.session_total;
  if (typeof data.remaining === "number") state.totals.remaining = data.remaining;
  updateTotals(data);
  P.renderPace(data.pace);
  P.renderModel(data.model);
}

function updateTotals(data) {
  if (!data || typeof data !== "object") return;
  if (typeof data.total === "number") state.totals.total = data.total;
  if ("progress" in data) state.totals.progress = typeof data.progress === "number" ? data.progress : null;
  P.renderProgress(state.totals);
}

// --------------------------------------------------------------- answers

function answer(kind) {
  if (!state.current) return;
  const task = JSON.parse(JSON.stringify(state.current));
  if (isManual()) {  // what the annotator was shown, so corrections can be counted
    task._shown_spans = Array.isArray(task.spans) ? task.spans : [];
    task.spans = S.toProdigySpans(state.spans);
  }
  task.answer = kind;
  task._timestamp = Math.floor(Date.now() / 1000);
  task[ANNOTATION_MS] = clock.stop();
  if (!task._view_id) task._view_id = state.view;
  const entry = history.push({ task: task, original: state.current, status: "queued" });
  outbox.add(entry);
  nextTask();
  P.flashAnswer(kind);
}

function onSent(batch, data) {
  updateTotals(data);
  P.clearError("save");
  if (outbox.pending() === 0) refreshProgress();
}

/** Refused (4xx): show why and put the tasks back on screen to be answered again. */
function onRefused(batch, err) {
  history.remove(batch);
  // An answer undone while it was in flight is already back on screen.
  const back = batch.filter(function (e) { return !e.undone; }).map(function (e) { return e.original; });
  P.showError("The server refused the answer: " + err.message, "save");
  if (back.length) {
    if (state.current) state.queue.unshift(state.current);
    state.queue.unshift.apply(state.queue, back);
    state.current = null;
    nextTask();
  }
}

function undo() {
  const result = undoLast(history, outbox, isManualTask);
  if (result) {
    if (state.current) state.queue.unshift(state.current);
    state.current = result.entry.original;
    showTask(result.entry.original, result.spans, result.entry.task[ANNOTATION_MS]);
  }
  P.showNote(undoMessage(result));
  renderStatus();
}

// ------------------------------------------------------------- rendering

function render() {
  P.renderCard(!!state.current, state.view);
  P.renderMeta(state.current);
  editor.renderLabels();
  editor.renderText();
  review.render();
  renderStatus();
}

function showEmpty() {
  state.current = null;
  clock.stop();
  render();
  P.renderEmpty(state.authFailed ? "auth" : state.fetching || !state.project ? "loading" : "done");
}

function renderStatus() {
  P.renderStatus({
    pending: outbox.pending(),
    retrying: outbox.retryTimer !== null,
    blocked: !!outbox.blocked,
    anySent: history.anySent(),
    canUndo: history.length > 0,
  });
}

// ---------------------------------------------------------------- events

function onKeyDown(e) {
  if (isTypingTarget(e.target) || review.onKey(e)) return;
  const action = keyAction(e, { manual: isManual() && !!state.current, nLabels: state.labels.length });
  if (!action) return;
  e.preventDefault();
  if (action.type === "answer") answer(action.answer);
  else if (action.type === "undo") undo();
  else if (action.type === "label") editor.pickLabel(action.index);
  else if (action.type === "move") editor.moveCursor(action.delta, action.extend, action.to);
  else if (action.type === "apply") { if (state.sel.visible) editor.applyToSelection(); }
  else if (action.type === "delete") editor.deleteInSelection();
  else if (action.type === "escape") editor.clearSelection();
}

function bindButton(id, fn) {
  const btn = V.$(id);
  btn.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus off buttons
  btn.addEventListener("click", function () { btn.blur(); fn(); });
}

function bind() {
  editor.bind(V.$("text"), document);
  document.addEventListener("keydown", onKeyDown);
  bindButton("btn-accept", function () { answer("accept"); });
  bindButton("btn-reject", function () { answer("reject"); });
  bindButton("btn-ignore", function () { answer("ignore"); });
  bindButton("btn-undo", undo);
  bindButton("btn-retry", function () { fetchQuestions(); });
  window.addEventListener("beforeunload", function (e) {
    if (outbox.pending() > 0) { e.preventDefault(); e.returnValue = ""; }
  });
  window.setInterval(refreshProgress, PROGRESS_POLL_MS);
  window.setInterval(function () {
    if (!state.current && !state.fetching && state.project) fetchQuestions();
  }, EMPTY_POLL_MS);
}

async function start() {
  bind();
  showEmpty();
  try {
    await loadProject();
  } catch (err) {
    if (err.auth) authFailed();
    else P.showError("Could not load the project: " + err.message, "project");
    return;
  }
  await fetchQuestions();
  refreshProgress();
}

window.spacyAl = { state: state, pending: function () { return outbox.pending(); } };  // for tests

start();  // a module script runs after the document is parsed
