/*
 * Everything on the page around the text: project chips, task meta, progress,
 * the model's state, the save status, errors and notes. textContent only.
 */

import { $, el } from "./view.js";
import { stabilityView } from "./stability.js";
import { renderCurve } from "./curve_view.js";
import { devSize } from "./curve.js";
import { paceText } from "./answer_clock.js";

export function formatNumber(value, digits) {
  if (typeof value !== "number" || !isFinite(value)) {
    return value === undefined || value === null ? "—" : String(value);
  }
  return value.toFixed(digits);
}

export function renderProject(project, session) {
  $("recipe").textContent = project.recipe || "—";
  $("dataset").textContent = project.dataset || "—";
  $("session").textContent = session || "default";
}

/** The card with a task (of view `view`) or without one (the empty note instead). */
export function renderCard(hasTask, view) {
  document.body.dataset.view = hasTask ? view : "";
  document.body.dataset.state = hasTask ? "task" : "empty";
  $("text").hidden = !hasTask;
  $("empty").hidden = hasTask;
  ["btn-accept", "btn-reject", "btn-ignore"].forEach(function (id) { $(id).disabled = !hasTask; });
}

/** The task's meta: strategy and score first, other scalar keys after them. */
export function renderMeta(task) {
  const meta = (task && task.meta) || {};
  $("meta-strategy").textContent = meta.strategy !== undefined ? String(meta.strategy) : "—";
  $("meta-score").textContent = meta.score !== undefined ? formatNumber(Number(meta.score), 4) : "—";
  $("meta-strategy").parentNode.hidden = meta.strategy === undefined && !!task;
  $("meta-score").parentNode.hidden = meta.score === undefined && !!task;
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

/** totals: {sessionTotal, total, remaining, progress} (numbers or null). */
export function renderProgress(totals) {
  const fill = $("progress-fill");
  const bar = $("progress-bar");
  const parts = [];
  if (typeof totals.sessionTotal === "number") parts.push(totals.sessionTotal + " by this session");
  if (typeof totals.total === "number") parts.push(totals.total + " in the dataset");
  if (typeof totals.remaining === "number") parts.push(totals.remaining + " to go");
  if (typeof totals.progress === "number") {
    const pct = Math.max(0, Math.min(1, totals.progress)) * 100;
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

function pick(obj, keys) {
  if (!obj || typeof obj !== "object") return undefined;
  for (const key of keys) {
    if (obj[key] !== undefined && obj[key] !== null) return obj[key];
  }
  return undefined;
}

/** The kappa trend between successive models, and whether the model has stabilised. */
export function renderStability(model) {
  const view = stabilityView(model);
  const node = $("model-kappa");
  node.textContent = view.text;
  node.title = view.title;
  $("model-state").dataset.stabilised = view.stabilised ? "true" : "false";
}

/** The session's pace from /progress's "pace" ({answers, timed, seconds_per_answer,
 * answers_per_hour}); hidden while no answer of the session is timed. */
export function renderPace(pace) {
  const text = paceText(pace);
  $("progress-pace").textContent = text;
  $("progress-pace").hidden = !text;
}

/** The model's state from /progress's "model" object; absent (a recipe without a model
 * in the loop: ner.manual, review): no model panel. */
export function renderModel(model) {
  const box = $("model-state");
  box.hidden = !model || typeof model !== "object";
  if (box.hidden) return;
  renderStability(model);
  renderCurve(model);
  const since = pick(model, ["answers_since_update", "since_update"]);
  const every = pick(model, ["update_every"]);
  const f1 = pick(model, ["last_dev_f1", "dev_f1"]);
  const updates = pick(model, ["n_updates", "updates"]);
  let status = pick(model, ["state", "status"]);
  if (status === undefined && model.training !== undefined) status = model.training ? "training" : "idle";
  if (model.error) status = "error";
  $("model-since").textContent = since === undefined ? "—" : String(since) + (every === undefined ? "" : " / " + every);
  $("model-f1").textContent = f1 === undefined ? "—" : formatNumber(Number(f1), 3);
  const n = devSize(model);
  $("model-f1-key").textContent = "last dev F1" + (n === null ? "" :
    " on " + n + " sentence" + (n === 1 ? "" : "s"));
  $("model-status").textContent = (status === undefined ? "—" : String(status)) +
    (updates === undefined ? "" : " · " + updates + " update" + (updates === 1 ? "" : "s"));
  box.dataset.state = status === undefined ? "unknown" : String(status);
  box.title = model.error ? "Last model update failed: " + String(model.error) : "";
  const err = $("model-error");
  err.textContent = model.error ? "Last update failed: " + String(model.error).split("\n")[0] : "";
  err.hidden = !model.error;
}

/** The save status in the top bar. s: {pending, retrying, blocked, anySent, canUndo}. */
export function renderStatus(s) {
  const node = $("save-status");
  let st;
  let text;
  if (s.blocked) {
    st = "offline";
    text = s.pending + " unsaved · access token needed";
  } else if (s.retrying) {
    st = "offline";
    text = s.pending + " unsaved · retrying";
  } else if (s.pending) {
    st = "saving";
    text = "saving " + s.pending + "…";
  } else if (s.anySent) {
    st = "saved";
    text = "all answers saved";
  } else {
    st = "idle";
    text = "ready";
  }
  node.dataset.state = st;
  node.dataset.pending = String(s.pending);
  node.textContent = text;
  $("btn-undo").disabled = !s.canUndo;
}

/** The empty card: loading, no tasks left, or the access token is missing. */
export function renderEmpty(kind) {
  const titles = { loading: "Loading…", done: "No tasks available.", auth: "Access token needed." };
  $("empty-title").textContent = titles[kind] || titles.loading;
  const subs = {
    done: "Everything in the stream is answered for now. The page checks again every few seconds.",
    auth: "The link to open ends in ?token=… (spacy-al annotate prints it when it starts).",
  };
  $("empty-sub").textContent = subs[kind] || "";
  $("btn-retry").hidden = kind !== "done";
}

let errorSource = null;

export function showError(message, source) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  errorSource = source || null;
}

/** Hides the error, unless it came from another source than `source`. */
export function clearError(source) {
  if (source && errorSource && source !== errorSource) return;
  $("error").hidden = true;
  $("error").textContent = "";
  errorSource = null;
}

export function showNote(message) {
  const note = $("undo-note");
  note.textContent = message;
  note.hidden = false;
}

export function hideNote() {
  $("undo-note").hidden = true;
}

export function flashAnswer(kind) {
  const card = $("card");
  card.dataset.flash = kind;
  setTimeout(function () {
    if (card.dataset.flash === kind) delete card.dataset.flash;
  }, 250);
}
