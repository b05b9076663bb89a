/*
 * spacy-al annotation UI: plain JavaScript, no build step, no external resources.
 *
 * Safety: task text is untrusted. The DOM is built with createElement and
 * textContent only; no task data ever goes through innerHTML.
 *
 * Views
 *   ner_manual  the annotator edits the spans (al-correct / ner.manual).
 *   ner         one highlighted suggestion, accept / reject only (al-teach).
 *
 * Keyboard
 *   a accept · x reject · space ignore · backspace undo the last answer
 *   ner_manual only:
 *     ArrowLeft/ArrowRight     move the token cursor (the cursor is a one-token selection)
 *     Shift+ArrowLeft/Right    extend the selection from where it started
 *     Home/End (+Shift)        jump to the first / last token
 *     1..9                     make that label active and apply it to the selection
 *     Enter                    apply the active label to the selection
 *     Delete                   remove the spans under the selection
 *     Escape                   clear the selection
 *   Mouse (ner_manual): drag over tokens (or click one) to label them with the
 *   active label; click a highlighted span to remove it.
 *
 * Saving and undo
 *   Every answer is sent to POST /give_answers as soon as it is given (answers
 *   given while a request is in flight go together in the next one), so nothing
 *   accepted is lost when the page closes. The server commits an answer before it
 *   acknowledges it. If the server cannot be reached, the answers wait in an outbox
 *   and are retried with back-off; the page warns before closing while any wait.
 *   Undo (backspace) takes back the last answer:
 *     - not sent yet (waiting in the outbox): it is removed and never reaches the
 *       database;
 *     - already sent (or in flight): the database keeps it; the task comes back on
 *       screen with the spans of that answer, and answering it again sends a newer
 *       answer for the same task and session (same _task_hash), which the server
 *       stores in place of the earlier one. (If the in-flight request fails, the
 *       undone answer is dropped instead of retried.)
 *   If the server refuses an answer (HTTP 4xx), the error is shown and the task is
 *   put back on screen so that it can be answered again.
 */
"use strict";

(function () {
  const MAX_BATCH = 10;
  const LOW_WATER = 2;            // fetch more questions when this few are queued
  const PROGRESS_POLL_MS = 5000;
  const EMPTY_POLL_MS = 10000;
  const HISTORY_LIMIT = 200;
  const PALETTE = [
    "#ffd166", "#8ecae6", "#b5e48c", "#f4a3c1", "#cdb4db",
    "#ffb37a", "#90e0c8", "#e9c46a", "#a3c4f3", "#f6bd60",
  ];

  const params = new URLSearchParams(window.location.search);
  const SESSION = (params.get("session") || "").trim() || null;

  const state = {
    project: null,
    labels: [],
    colors: {},
    defaultView: "ner_manual",
    queue: [],          // tasks fetched and not shown yet
    current: null,      // the task on screen (as received)
    spans: [],          // the editable spans of the current task
    view: "ner_manual",
    history: [],        // answered entries, newest last: {task, original, status}
    outbox: [],         // entries waiting to be sent
    inFlight: null,     // entries being sent
    retryTimer: null,
    retryDelay: 0,
    activeLabel: 0,
    cursor: 0,
    anchor: 0,
    cursorVisible: false,
    cursorMoved: false,
    drag: null,         // {anchor, focus, moved}
    fetching: false,
    exhausted: false,
    seen: new Set(),
    total: null,
    sessionTotal: null,
    remaining: null,
    progress: null,
  };

  // ---------------------------------------------------------------- helpers

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clone(obj) {
    return JSON.parse(JSON.stringify(obj));
  }

  function sessionBody(extra) {
    const body = Object.assign({}, extra);
    if (SESSION) body.session_id = SESSION;
    return body;
  }

  async function api(method, path, body) {
    const opts = { method: method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    // Relative paths: the UI also works when the server sits behind a path prefix.
    const resp = await fetch(path, opts);
    let data = null;
    try {
      data = await resp.json();
    } catch (e) {
      data = null;
    }
    if (!resp.ok) {
      const msg = (data && (data.error || data.detail)) || "HTTP " + resp.status;
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return data;
  }

  function taskKey(task) {
    if (task._task_hash !== undefined && task._task_hash !== null) return "t" + task._task_hash;
    if (task._input_hash !== undefined && task._input_hash !== null) return "i" + task._input_hash;
    return "x" + JSON.stringify([task.text, task.spans || []]);
  }

  function formatNumber(value, digits) {
    if (typeof value !== "number" || !isFinite(value)) return value === undefined || value === null ? "—" : String(value);
    return value.toFixed(digits);
  }

  function labelColor(label) {
    if (state.colors[label]) return state.colors[label];
    const idx = state.labels.indexOf(label);
    let h = idx;
    if (idx < 0) {
      h = 0;
      for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) >>> 0;
    }
    return PALETTE[h % PALETTE.length];
  }

  // ----------------------------------------------------------- task helpers

  /** Tokens of a task; a whitespace split of the text when the task has none. */
  function ensureTokens(task) {
    if (Array.isArray(task.tokens) && task.tokens.length) return task.tokens;
    const text = String(task.text || "");
    const tokens = [];
    const re = /\S+/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const end = m.index + m[0].length;
      tokens.push({ text: m[0], start: m.index, end: end, id: tokens.length, ws: /\s/.test(text.charAt(end)) });
    }
    task.tokens = tokens;
    return tokens;
  }

  /** Spans with token_start/token_end (inclusive), aligned from the character offsets if needed. */
  function normaliseSpans(task) {
    const tokens = task.tokens;
    const out = [];
    for (const raw of task.spans || []) {
      const span = Object.assign({}, raw);
      if (typeof span.token_start !== "number" || typeof span.token_end !== "number") {
        let ts = -1;
        let te = -1;
        for (let i = 0; i < tokens.length; i++) {
          if (ts < 0 && tokens[i].end > span.start) ts = i;
          if (tokens[i].start < span.end) te = i;
        }
        if (ts < 0 || te < ts) continue;
        span.token_start = ts;
        span.token_end = te;
      }
      if (span.token_start < 0 || span.token_end >= tokens.length || span.token_end < span.token_start) continue;
      out.push(span);
    }
    out.sort(function (a, b) { return a.token_start - b.token_start; });
    return out;
  }

  function isManual() {
    return state.view === "ner_manual";
  }

  // ------------------------------------------------------------ the stream

  async function loadProject() {
    const project = await api("GET", "project");
    state.project = project || {};
    state.labels = Array.isArray(project.labels) ? project.labels.map(String) : [];
    state.defaultView = project.view_id || "ner_manual";
    const theme = (project.config && project.config.custom_theme) || {};
    if (theme.labels && typeof theme.labels === "object") {
      for (const key of Object.keys(theme.labels)) state.colors[key] = String(theme.labels[key]);
    }
    $("recipe").textContent = project.recipe || "—";
    $("dataset").textContent = project.dataset || "—";
    $("session").textContent = SESSION || "default";
    renderLabels();
  }

  async function fetchQuestions() {
    if (state.fetching) return;
    state.fetching = true;
    let added = 0;
    try {
      const data = await api("POST", "get_session_questions", sessionBody({}));
      updateTotals(data);
      if (data && typeof data.session_id === "string") $("session").title = "session_id " + data.session_id;
      const tasks = (data && Array.isArray(data.tasks)) ? data.tasks : [];
      for (const task of tasks) {
        const key = taskKey(task);
        if (state.seen.has(key)) continue;
        state.seen.add(key);
        state.queue.push(task);
        added++;
      }
      state.exhausted = added === 0;
      clearError("fetch");
    } catch (err) {
      showError("Could not load tasks: " + err.message, "fetch");
    } finally {
      state.fetching = false;
    }
    if (!state.current && state.queue.length) nextTask();
    else if (!state.current) renderEmpty();
  }

  function nextTask() {
    state.current = state.queue.length ? state.queue.shift() : null;
    if (state.current) {
      showTask(state.current, null);
    } else {
      renderEmpty();
    }
    if (state.queue.length < LOW_WATER && !state.fetching) fetchQuestions();
  }

  function showTask(task, spans) {
    ensureTokens(task);
    state.view = task._view_id || state.defaultView;
    state.spans = spans ? normaliseSpans({ tokens: task.tokens, spans: spans }) : normaliseSpans(task);
    state.cursor = 0;
    state.anchor = 0;
    state.cursorVisible = false;
    state.cursorMoved = false;
    state.drag = null;
    $("undo-note").hidden = true;
    render();
  }

  // --------------------------------------------------------------- answers

  function answer(kind) {
    if (!state.current) return;
    const task = clone(state.current);
    if (isManual()) {
      task.spans = state.spans.map(function (s) {
        const span = { start: s.start, end: s.end, token_start: s.token_start, token_end: s.token_end, label: s.label };
        for (const key of Object.keys(s)) if (!(key in span)) span[key] = s[key];
        return span;
      });
    }
    task.answer = kind;
    task._timestamp = Math.floor(Date.now() / 1000);
    if (!task._view_id) task._view_id = state.view;
    const entry = { task: task, original: state.current, status: "queued" };
    state.history.push(entry);
    if (state.history.length > HISTORY_LIMIT) state.history.shift();
    state.outbox.push(entry);
    flush();
    nextTask();
    flashAnswer(kind);
  }

  async function flush() {
    if (state.inFlight || state.outbox.length === 0) return;
    if (state.retryTimer) return;  // a retry is scheduled
    const batch = state.outbox.splice(0, MAX_BATCH);
    batch.forEach(function (e) { e.status = "sending"; });
    state.inFlight = batch;
    renderStatus();
    let retry = false;
    try {
      const data = await api("POST", "give_answers", sessionBody({ answers: batch.map(function (e) { return e.task; }) }));
      batch.forEach(function (e) { e.status = "sent"; });
      state.retryDelay = 0;
      updateTotals(data);
      clearError("save");
    } catch (err) {
      if (err.status && err.status >= 400 && err.status < 500) {
        // Refused: show why and put the tasks back on screen to be answered again.
        // (An answer undone while it was in flight is already back on screen.)
        batch.forEach(function (e) { e.status = "failed"; });
        state.history = state.history.filter(function (e) { return batch.indexOf(e) < 0; });
        const back = batch.filter(function (e) { return !e.undone; }).map(function (e) { return e.original; });
        showError("The server refused the answer: " + err.message, "save");
        if (back.length) {
          if (state.current) state.queue.unshift(state.current);
          state.queue.unshift.apply(state.queue, back);
          state.current = null;
          nextTask();
        }
      } else {
        // Unreachable or server error: keep the answers and retry.
        // An answer undone while it was in flight is dropped here: it never got stored.
        const keep = batch.filter(function (e) { return !e.undone; });
        keep.forEach(function (e) { e.status = "queued"; });
        state.outbox.unshift.apply(state.outbox, keep);
        state.retryDelay = Math.min(state.retryDelay ? state.retryDelay * 2 : 1000, 15000);
        showError("Could not save (" + err.message + "); " + state.outbox.length +
                  " answer(s) kept and retried in " + Math.round(state.retryDelay / 1000) + " s.", "save");
        retry = state.outbox.length > 0;
      }
    } finally {
      state.inFlight = null;
    }
    if (retry) {
      state.retryTimer = window.setTimeout(function () {
        state.retryTimer = null;
        renderStatus();
        flush();
      }, state.retryDelay);
    } else if (state.outbox.length) {
      flush();
    } else {
      refreshProgress();
    }
    renderStatus();
  }

  function undo() {
    const entry = state.history.pop();
    if (!entry) {
      showNote("Nothing to undo.");
      return;
    }
    entry.undone = true;
    const idx = state.outbox.indexOf(entry);
    const unsent = idx >= 0;
    if (unsent) state.outbox.splice(idx, 1);
    if (state.current) state.queue.unshift(state.current);
    state.current = entry.original;
    showTask(entry.original, isManualTask(entry.original) ? entry.task.spans : null);
    const prev = entry.task.answer;
    showNote(unsent
      ? "Undone: the " + prev + " answer was not sent and is discarded."
      : "Undone: the " + prev + " answer is already saved; answering again records a newer answer.");
    renderStatus();
  }

  function isManualTask(task) {
    return (task._view_id || state.defaultView) === "ner_manual";
  }

  function pendingCount() {
    return state.outbox.length + (state.inFlight ? state.inFlight.length : 0);
  }

  // -------------------------------------------------------------- progress

  function updateTotals(data) {
    if (!data || typeof data !== "object") return;
    if (typeof data.total === "number") state.total = data.total;
    if ("progress" in data) state.progress = typeof data.progress === "number" ? data.progress : null;
    renderProgress();
  }

  function pick(obj, keys) {
    if (!obj || typeof obj !== "object") return undefined;
    for (const key of keys) {
      if (obj[key] !== undefined && obj[key] !== null) return obj[key];
    }
    return undefined;
  }

  async function refreshProgress() {
    let data;
    try {
      data = await api("GET", "progress" + (SESSION ? "?session_id=" + encodeURIComponent(SESSION) : ""));
    } catch (err) {
      return;
    }
    if (!data || typeof data !== "object") return;
    if (typeof data.session_total === "number") state.sessionTotal = data.session_total;
    if (typeof data.remaining === "number") state.remaining = data.remaining;
    updateTotals(data);
    renderModel(data.model);
  }

  /** The model's state from /progress's "model" object (absent: no model in the loop). */
  function renderModel(model) {
    const box = $("model-state");
    if (!model || typeof model !== "object") {
      $("model-since").textContent = "—";
      $("model-f1").textContent = "—";
      $("model-status").textContent = "no model";
      box.dataset.state = "none";
      box.title = "This recipe has no model in the loop.";
      $("model-error").hidden = true;
      return;
    }
    const since = pick(model, ["answers_since_update", "since_update"]);
    const every = pick(model, ["update_every"]);
    const f1 = pick(model, ["last_dev_f1", "dev_f1"]);
    const updates = pick(model, ["n_updates", "updates"]);
    let status = pick(model, ["state", "status"]);
    if (status === undefined && model.training !== undefined) status = model.training ? "training" : "idle";
    if (model.error) status = "error";
    $("model-since").textContent = since === undefined ? "—" : String(since) + (every === undefined ? "" : " / " + every);
    $("model-f1").textContent = f1 === undefined ? "—" : formatNumber(Number(f1), 3);
    $("model-status").textContent = (status === undefined ? "—" : String(status)) +
      (updates === undefined ? "" : " · " + updates + " update" + (updates === 1 ? "" : "s"));
    box.dataset.state = status === undefined ? "unknown" : String(status);
    box.title = model.error ? "Last model update failed: " + String(model.error) : "";
    const err = $("model-error");
    err.textContent = model.error ? "Last update failed: " + String(model.error).split("\n")[0] : "";
    err.hidden = !model.error;
  }

  // ------------------------------------------------------- span editing

  function selectionRange() {
    if (state.drag) {
      return [Math.min(state.drag.anchor, state.drag.focus), Math.max(state.drag.anchor, state.drag.focus)];
    }
    if (!state.cursorVisible) return null;
    return [Math.min(state.anchor, state.cursor), Math.max(state.anchor, state.cursor)];
  }

  function applyLabel(label, ts, te) {
    const tokens = state.current.tokens;
    state.spans = state.spans.filter(function (s) { return s.token_end < ts || s.token_start > te; });
    state.spans.push({
      start: tokens[ts].start,
      end: tokens[te].end,
      token_start: ts,
      token_end: te,
      label: label,
    });
    state.spans.sort(function (a, b) { return a.token_start - b.token_start; });
  }

  function applyToSelection() {
    const range = selectionRange();
    const label = state.labels[state.activeLabel];
    if (!range || label === undefined || !state.current) return;
    applyLabel(label, range[0], range[1]);
    state.cursor = range[1];
    state.anchor = range[1];
    state.cursorVisible = false;
    renderText();
  }

  function removeSpansIn(ts, te) {
    const before = state.spans.length;
    state.spans = state.spans.filter(function (s) { return s.token_end < ts || s.token_start > te; });
    return state.spans.length !== before;
  }

  function spanAtToken(i) {
    for (const s of state.spans) if (s.token_start <= i && i <= s.token_end) return s;
    return null;
  }

  function moveCursor(delta, extend, absolute) {
    const n = state.current ? state.current.tokens.length : 0;
    if (!n) return;
    let target;
    if (absolute !== undefined) target = absolute;
    else if (!state.cursorVisible && !state.cursorMoved) target = 0;  // first press: first token
    else target = state.cursor + delta;
    target = Math.max(0, Math.min(n - 1, target));
    // Shift extends a visible selection from its anchor; otherwise the selection
    // collapses to the cursor token.
    if (!(extend && state.cursorVisible)) state.anchor = target;
    state.cursor = target;
    state.cursorVisible = true;
    state.cursorMoved = true;
    updateSelectionClasses();
  }

  function setActiveLabel(idx) {
    if (idx < 0 || idx >= state.labels.length) return;
    state.activeLabel = idx;
    const buttons = $("labels").querySelectorAll(".label-btn");
    buttons.forEach(function (b, i) {
      b.classList.toggle("active", i === idx);
      b.setAttribute("aria-pressed", i === idx ? "true" : "false");
    });
  }

  // ------------------------------------------------------------- rendering

  function render() {
    const hasTask = !!state.current;
    document.body.dataset.view = hasTask ? state.view : "";
    document.body.dataset.state = hasTask ? "task" : "empty";
    $("text").hidden = !hasTask;
    $("empty").hidden = hasTask;
    ["btn-accept", "btn-reject", "btn-ignore"].forEach(function (id) { $(id).disabled = !hasTask; });
    renderMeta();
    renderLabels();
    renderText();
    renderStatus();
  }

  function renderEmpty() {
    state.current = null;
    render();
    const waiting = state.fetching || !state.project;
    $("empty-title").textContent = waiting ? "Loading…" : "No tasks available.";
    $("empty-sub").textContent = waiting ? "" :
      "Everything in the stream is answered for now. The page checks again every few seconds.";
    $("btn-retry").hidden = waiting;
  }

  function renderMeta() {
    const meta = (state.current && state.current.meta) || {};
    $("meta-strategy").textContent = meta.strategy !== undefined ? String(meta.strategy) : "—";
    $("meta-score").textContent = meta.score !== undefined ? formatNumber(Number(meta.score), 4) : "—";
    $("meta-strategy").parentNode.hidden = meta.strategy === undefined && !!state.current;
    $("meta-score").parentNode.hidden = meta.score === undefined && !!state.current;
    const extra = $("meta-extra");
    extra.replaceChildren();
    for (const key of Object.keys(meta)) {
      if (key === "score" || key === "strategy") continue;
      const value = meta[key];
      if (value !== null && typeof value === "object") continue;
      const item = el("span", "meta-item");
      const shown = el("span", "meta-value",
        typeof value === "number" ? formatNumber(value, Number.isInteger(value) ? 0 : 4) : value);
      shown.title = String(value);
      item.append(el("span", "meta-key", key), document.createTextNode(" "), shown);
      extra.append(item);
    }
  }

  function renderLabels() {
    const box = $("labels");
    box.replaceChildren();
    const manual = isManual();
    box.dataset.mode = manual ? "edit" : "legend";
    state.labels.forEach(function (label, i) {
      const btn = el("button", "label-btn");
      btn.type = "button";
      btn.dataset.label = label;
      btn.style.setProperty("--label-color", labelColor(label));
      if (i < 9) btn.append(el("kbd", "label-key", String(i + 1)));
      btn.append(el("span", "label-name", label));
      btn.classList.toggle("active", manual && i === state.activeLabel);
      btn.setAttribute("aria-pressed", manual && i === state.activeLabel ? "true" : "false");
      btn.disabled = !manual;
      btn.addEventListener("mousedown", function (e) { e.preventDefault(); });
      btn.addEventListener("click", function () {
        setActiveLabel(i);
        if (state.cursorVisible) applyToSelection();
      });
      box.append(btn);
    });
  }

  /** Whitespace between token i and the next one, taken from the text when possible. */
  function gapAfter(tokens, i, text) {
    const tok = tokens[i];
    const next = tokens[i + 1];
    if (typeof text === "string" && typeof tok.end === "number") {
      const stop = next && typeof next.start === "number" ? next.start : text.length;
      if (stop >= tok.end) {
        const gap = text.slice(tok.end, stop);
        if (/^\s*$/.test(gap)) return gap;
      }
    }
    return tok.ws ? " " : "";
  }

  function renderText() {
    const box = $("text");
    box.replaceChildren();
    if (!state.current) return;
    const task = state.current;
    const tokens = task.tokens;
    const text = typeof task.text === "string" ? task.text : null;
    const owner = new Array(tokens.length).fill(null);
    state.spans.forEach(function (s) {
      for (let j = s.token_start; j <= s.token_end; j++) if (owner[j] === null) owner[j] = s;
    });
    const manual = isManual();
    let i = 0;
    while (i < tokens.length) {
      const span = owner[i];
      if (span && span.token_start === i) {
        const mark = el("mark", "ent");
        mark.dataset.label = span.label;
        mark.dataset.tokenStart = String(span.token_start);
        mark.dataset.tokenEnd = String(span.token_end);
        mark.style.setProperty("--label-color", labelColor(span.label));
        if (manual) mark.title = "Click to remove this " + span.label + " span";
        let j = i;
        for (; j <= span.token_end && j < tokens.length && owner[j] === span; j++) {
          mark.append(tokenEl(tokens[j], j));
          if (j < span.token_end) mark.append(document.createTextNode(gapAfter(tokens, j, text)));
        }
        mark.append(el("span", "ent-label", span.label));
        box.append(mark);
        i = j;
        box.append(document.createTextNode(gapAfter(tokens, i - 1, text)));
      } else {
        box.append(tokenEl(tokens[i], i));
        box.append(document.createTextNode(gapAfter(tokens, i, text)));
        i++;
      }
    }
    updateSelectionClasses();
  }

  function tokenEl(token, i) {
    const node = el("span", "tok", token.text);
    node.dataset.i = String(i);
    return node;
  }

  function updateSelectionClasses() {
    const range = selectionRange();
    const nodes = $("text").querySelectorAll(".tok");
    nodes.forEach(function (node) {
      const i = Number(node.dataset.i);
      node.classList.toggle("sel", !!range && i >= range[0] && i <= range[1]);
      node.classList.toggle("cursor", !state.drag && state.cursorVisible && i === state.cursor);
    });
  }

  function renderProgress() {
    const fill = $("progress-fill");
    const bar = $("progress-bar");
    const parts = [];
    if (typeof state.sessionTotal === "number") parts.push(state.sessionTotal + " by this session");
    if (typeof state.total === "number") parts.push(state.total + " in the dataset");
    if (typeof state.remaining === "number") parts.push(state.remaining + " to go");
    if (typeof state.progress === "number") {
      const pct = Math.max(0, Math.min(1, state.progress)) * 100;
      fill.style.width = pct.toFixed(1) + "%";
      bar.setAttribute("aria-valuenow", pct.toFixed(0));
      bar.classList.remove("unknown");
      parts.push(pct.toFixed(0) + "%");
    } else {
      fill.style.width = "0%";
      bar.removeAttribute("aria-valuenow");
      bar.classList.add("unknown");
    }
    $("progress-text").textContent = parts.length ? parts.join(" · ") : "—";
  }

  function renderStatus() {
    const node = $("save-status");
    const pending = pendingCount();
    let st;
    let text;
    if (state.retryTimer) {
      st = "offline";
      text = pending + " unsaved · retrying";
    } else if (pending) {
      st = "saving";
      text = "saving " + pending + "…";
    } else if (state.history.some(function (e) { return e.status === "sent"; })) {
      st = "saved";
      text = "all answers saved";
    } else {
      st = "idle";
      text = "ready";
    }
    node.dataset.state = st;
    node.dataset.pending = String(pending);
    node.textContent = text;
    $("btn-undo").disabled = state.history.length === 0;
  }

  let errorSource = null;
  function showError(message, source) {
    const box = $("error");
    box.textContent = message;
    box.hidden = false;
    errorSource = source || null;
  }

  function clearError(source) {
    if (source && errorSource && source !== errorSource) return;
    $("error").hidden = true;
    $("error").textContent = "";
    errorSource = null;
  }

  function showNote(message) {
    const note = $("undo-note");
    note.textContent = message;
    note.hidden = false;
  }

  function flashAnswer(kind) {
    const card = $("card");
    card.dataset.flash = kind;
    window.setTimeout(function () {
      if (card.dataset.flash === kind) delete card.dataset.flash;
    }, 250);
  }

  // ---------------------------------------------------------------- events

  function tokenIndexFrom(target) {
    const node = target && target.closest ? target.closest(".tok") : null;
    return node ? Number(node.dataset.i) : null;
  }

  function onMouseDown(e) {
    if (!state.current || !isManual() || e.button !== 0) return;
    const label = e.target.closest && e.target.closest(".ent-label");
    if (label) {
      const mark = label.closest(".ent");
      e.preventDefault();
      removeSpansIn(Number(mark.dataset.tokenStart), Number(mark.dataset.tokenEnd));
      renderText();
      return;
    }
    const i = tokenIndexFrom(e.target);
    if (i === null) return;
    e.preventDefault();
    state.drag = { anchor: i, focus: i, moved: false };
    state.cursorVisible = false;
    updateSelectionClasses();
  }

  function onMouseOver(e) {
    if (!state.drag) return;
    const i = tokenIndexFrom(e.target);
    if (i === null || i === state.drag.focus) return;
    state.drag.focus = i;
    state.drag.moved = true;
    updateSelectionClasses();
  }

  function onMouseUp() {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    const ts = Math.min(drag.anchor, drag.focus);
    const te = Math.max(drag.anchor, drag.focus);
    const existing = spanAtToken(drag.anchor);
    if (!drag.moved && existing) {
      // A click on a highlighted span removes it.
      removeSpansIn(existing.token_start, existing.token_end);
    } else {
      const label = state.labels[state.activeLabel];
      if (label !== undefined) applyLabel(label, ts, te);
    }
    state.cursor = te;
    state.anchor = te;
    state.cursorMoved = true;
    state.cursorVisible = false;
    renderText();
  }

  function isTyping(target) {
    if (!target) return false;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function onKeyDown(e) {
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key;
    const manual = isManual() && !!state.current;
    let handled = true;
    if (key === "a" || key === "A") {
      if (!e.repeat) answer("accept");
    } else if (key === "x" || key === "X") {
      if (!e.repeat) answer("reject");
    } else if (key === " " || key === "Spacebar") {
      if (!e.repeat) answer("ignore");
    } else if (key === "Backspace") {
      if (!e.repeat) undo();
    } else if (/^[1-9]$/.test(key) && !e.shiftKey) {
      const idx = Number(key) - 1;
      if (idx < state.labels.length && manual) {
        setActiveLabel(idx);
        if (state.cursorVisible) applyToSelection();
      }
    } else if (manual && key === "ArrowRight") {
      moveCursor(1, e.shiftKey);
    } else if (manual && key === "ArrowLeft") {
      moveCursor(-1, e.shiftKey);
    } else if (manual && key === "Home") {
      moveCursor(0, e.shiftKey, 0);
    } else if (manual && key === "End") {
      moveCursor(0, e.shiftKey, state.current.tokens.length - 1);
    } else if (manual && key === "Enter") {
      if (state.cursorVisible) applyToSelection();
    } else if (manual && key === "Delete") {
      const range = selectionRange();
      if (range && removeSpansIn(range[0], range[1])) renderText();
    } else if (key === "Escape") {
      state.cursorVisible = false;
      updateSelectionClasses();
    } else {
      handled = false;
    }
    if (handled) e.preventDefault();
  }

  function bindButton(id, fn) {
    const btn = $(id);
    btn.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus off buttons
    btn.addEventListener("click", function () {
      btn.blur();
      fn();
    });
  }

  function bind() {
    const text = $("text");
    text.addEventListener("mousedown", onMouseDown);
    text.addEventListener("mouseover", onMouseOver);
    document.addEventListener("mouseup", onMouseUp);
    document.addEventListener("keydown", onKeyDown);
    bindButton("btn-accept", function () { answer("accept"); });
    bindButton("btn-reject", function () { answer("reject"); });
    bindButton("btn-ignore", function () { answer("ignore"); });
    bindButton("btn-undo", undo);
    bindButton("btn-retry", function () { fetchQuestions(); });
    window.addEventListener("beforeunload", function (e) {
      if (pendingCount() > 0) {
        e.preventDefault();
        e.returnValue = "";
      }
    });
    window.setInterval(refreshProgress, PROGRESS_POLL_MS);
    window.setInterval(function () {
      if (!state.current && !state.fetching && state.project) fetchQuestions();
    }, EMPTY_POLL_MS);
  }

  async function start() {
    bind();
    renderEmpty();
    try {
      await loadProject();
    } catch (err) {
      showError("Could not load the project: " + err.message, "project");
      return;
    }
    await fetchQuestions();
    refreshProgress();
  }

  // Read-only hooks for tests and debugging.
  window.spacyAl = {
    state: state,
    pending: pendingCount,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
