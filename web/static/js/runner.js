// The checklist runner: turns the server-rendered checklist into a live run on the device.
// Every answer is an outbox event; the screen is always rebuilt from those events.

import { holdToConfirm } from "./hold-button.js";
import { journal, record, saveFile } from "./journal.js";
import { shrink } from "./photo.js";
import { here } from "./position.js";
import { formatDuration, foldRun, isAnswered, isShown, missingCritical, runsOf } from "./run-state.js";
import { syncNow } from "./sync-status.js";

const root = document.getElementById("runner");
const $ = (selector, scope = root) => scope.querySelector(selector);
const $$ = (selector, scope = root) => [...scope.querySelectorAll(selector)];
const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
const msg = root.dataset;

const items = $$(".run-item").map((el) => ({
  el,
  id: el.dataset.item,
  kind: el.dataset.kind,
  critical: el.dataset.critical === "true",
  rule: el.dataset.showIf
    ? {
      item: el.dataset.showIf,
      unanswered: el.dataset.unanswered === "true",
      ...(el.dataset.includes !== undefined ? { includes: el.dataset.includes }
        : { equals: JSON.parse(el.dataset.equals) }),
    }
    : null,
}));
const ANSWERABLE = new Set(["check", "yes_no", "text", "long_text", "number", "choice", "chips",
  "timestamp", "headcount", "location", "photo", "action"]);
const readDo = msg.mode === "read-do";
let run = null;
let step = 0;

async function load() {
  const runs = runsOf(await journal(), msg.checklist);
  return runs.find((candidate) => !candidate.completed) || null;
}

async function start(context) {
  const runId = crypto.randomUUID();
  await record("checklist.started", { run_id: runId, checklist_id: msg.checklist,
    version: Number(msg.version), context });
  run = await load();
  step = 0;
  show();
}

async function answer(item, value) {
  const event = await record("checklist.answered", { run_id: run.id, item_id: item.id, value });
  run.answers.set(item.id, { value, at: event.occurred_at });
  $(".answer-status", item.el).textContent = msg.msgSaved;
  render();
}

function shownItems() {
  return items.filter((item) => isShown(item.rule, run.answers));
}

function render() {
  const shown = new Set(shownItems().map((item) => item.id));
  for (const item of items) {
    item.el.hidden = !shown.has(item.id);
    paint(item, run.answers.get(item.id));
  }
  for (const section of $$(".run-section")) {
    section.hidden = !$$(".run-item", section).some((el) => !el.hidden);
  }
  if (readDo) paintStep(shown);
  paintProgress(shown);
  pinClocks();
  tick();
}

function paint(item, given) {
  const value = given ? given.value : undefined;
  for (const button of $$("[data-value]", item.el)) {
    const on = Array.isArray(value) ? value.includes(button.dataset.value)
      : String(value) === button.dataset.value;
    button.setAttribute(button.getAttribute("role") === "radio" ? "aria-checked" : "aria-pressed", String(on));
  }
  const input = $(".answer-input", item.el);
  if (input && document.activeElement !== input && input.type !== "file") {
    if (item.kind === "timestamp") input.value = value ? new Date(value).toTimeString().slice(0, 8) : "";
    else if (value !== undefined && value !== null) input.value = value;
  }
  if (item.kind === "location" && value) {
    $(".answer-shown", item.el).textContent = fill(msg.msgPosition,
      { lat: value.latitude.toFixed(5), lon: value.longitude.toFixed(5), acc: Math.round(value.accuracy) });
  }
  if (item.kind === "action" && value && !item.el.dataset.delivery) {
    $(".answer-status", item.el).textContent = msg.msgSent;
  }
  if (item.kind === "photo" && value) $(".answer-status", item.el).textContent = msg.msgSaved;
}

function paintStep(shown) {
  if (root.classList.contains("summary")) return;
  const steps = items.filter((item) => shown.has(item.id));
  step = Math.min(step, steps.length);
  localStorage.setItem(`muster.step.${run.id}`, String(step));
  steps.forEach((item, index) => { item.el.hidden = index !== step; });
  for (const section of $$(".run-section")) {
    section.hidden = !$$(".run-item", section).some((el) => !el.hidden);
  }
  $("#run-finish").hidden = step !== steps.length;
  $("#step-back").disabled = step === 0;
  $("#step-next").hidden = step === steps.length;
  const current = steps[step];
  if (current) current.el.scrollIntoView({ block: "nearest" });
}

function paintProgress(shown) {
  const bar = $("#runner-progress");
  const label = $("#runner-progress-label");
  if (readDo) {
    const total = items.filter((item) => shown.has(item.id)).length;
    bar.max = total;
    bar.value = Math.min(step + 1, total);
    label.textContent = fill(msg.msgStep, { n: Math.min(step + 1, total), total });
  } else {
    const answerable = items.filter((item) => shown.has(item.id) && ANSWERABLE.has(item.kind));
    const done = answerable.filter((item) => isAnswered(run.answers.get(item.id))).length;
    bar.max = answerable.length || 1;
    bar.value = done;
    label.textContent = fill(msg.msgAnswered, { n: done, total: answerable.length });
  }
}

// A running stopwatch (the call timer, the tourniquet clock) stays in view on every step.
function pinClocks() {
  const pinned = $("#pinned-clocks");
  pinned.replaceChildren();
  for (const item of items) {
    if (item.kind !== "stopwatch" || !isShown(item.rule, run.answers)) continue;
    const clock = $(".clock", item.el);
    const running = clock.dataset.onOpen === "true" || run.answers.get(clock.dataset.since || item.id);
    item.el.classList.toggle("pinned", Boolean(running));
    if (!running) continue;
    const line = document.createElement("p");
    const copy = Object.assign(document.createElement("output"), { className: "clock" });
    copy.dataset.copyOf = item.id;
    line.append($(".item-label", item.el).textContent, copy);
    pinned.append(line);
  }
}

// Clocks are computed from stored moments, so they keep running across reloads.
function tick() {
  if (!run) return;
  const now = Date.now();
  for (const item of items) {
    const clock = $(".clock", item.el);
    if (!clock) continue;
    const own = run.answers.get(item.id);
    if (item.kind === "stopwatch") {
      const since = clock.dataset.since ? run.answers.get(clock.dataset.since)?.value
        : clock.dataset.onOpen === "true" ? run.startedAt : own?.value;
      clock.textContent = since ? formatDuration((now - Date.parse(since)) / 1000) : "0:00";
    } else if (item.kind === "countdown") {
      const seconds = Number(clock.dataset.seconds);
      const left = own ? seconds - (now - Date.parse(own.value)) / 1000 : seconds;
      clock.textContent = formatDuration(Math.ceil(left));
      clock.classList.toggle("done", left <= 0);
    }
  }
  for (const copy of $$("[data-copy-of]")) {
    copy.textContent = $(`#item-${CSS.escape(copy.dataset.copyOf)} .clock`).textContent;
  }
}

// The report form, told which checklist run (and which bus, route or trip) it was opened from.
function reportFrom(link) {
  const url = new URL(link.getAttribute("href"), location.href);
  url.search = "";
  const params = { from: $("h1").textContent.trim(), checklist: msg.checklist, ...(run ? run.context : {}) };
  if (run) params.run = run.id;
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  link.href = url.href;
}

function wire() {
  for (const link of $$("a[data-report]")) link.addEventListener("click", () => reportFrom(link));
  for (const item of items) {
    for (const button of $$("[data-value]", item.el)) {
      button.addEventListener("click", () => {
        const raw = button.dataset.value;
        const current = run.answers.get(item.id)?.value;
        if (item.kind === "check") answer(item, current === true ? null : true);
        else if (item.kind === "yes_no") answer(item, raw === "true");
        else if (item.kind === "choice") answer(item, raw);
        else if (item.kind === "chips") {
          const list = Array.isArray(current) ? [...current] : [];
          answer(item, list.includes(raw) ? list.filter((v) => v !== raw) : [...list, raw]);
        }
      });
    }
    const input = $(".answer-input", item.el);
    if (input && input.type !== "file") {
      input.addEventListener("change", () => answer(item, inputValue(item, input)));
    }
    if (input && input.type === "file") {
      input.addEventListener("change", async () => {
        const file = input.files[0];
        if (!file) return;
        try {
          answer(item, { upload_id: await saveFile(await shrink(file)) });
        } catch (error) {
          $(".answer-status", item.el).textContent = msg.msgPhotoFailed;
        }
      });
    }
    $("[data-now]", item.el)?.addEventListener("click", () => answer(item, new Date().toISOString()));
    $("[data-start]", item.el)?.addEventListener("click", () => answer(item, new Date().toISOString()));
    $("[data-reset]", item.el)?.addEventListener("click", () => answer(item, new Date().toISOString()));
    for (const button of $$("[data-step]", item.el)) {
      button.addEventListener("click", () => {
        const next = Math.max(0, (Number(input.value) || 0) + Number(button.dataset.step));
        input.value = next;
        answer(item, next);
      });
    }
    $("[data-locate]", item.el)?.addEventListener("click", () => locate(item));
    const hold = $("[data-hold]", item.el);
    if (hold) {
      notePosition(); // now, and again as a hold starts: ready when the hold ends, if allowed
      hold.addEventListener("pointerdown", notePosition);
      item.relabel = holdToConfirm(hold, () => raiseAlert(item, hold), msg.msgHold);
    }
  }
  $("#step-back").addEventListener("click", () => { step = Math.max(0, step - 1); render(); });
  $("#step-next").addEventListener("click", () => { step += 1; render(); });
  $("#run-complete").addEventListener("click", complete);
}

function inputValue(item, input) {
  if (item.kind === "timestamp") {
    if (!input.value) return null;
    const [h, m, s] = input.value.split(":").map(Number);
    const when = new Date(run.answers.get(item.id)?.value || Date.now());
    when.setHours(h, m, s || 0, 0);
    return when.toISOString();
  }
  if (item.kind === "number" || item.kind === "headcount") {
    return input.value === "" || !input.checkValidity() ? null : Number(input.value);
  }
  return input.value;
}

function locate(item) {
  const shown = $(".answer-shown", item.el);
  if (!navigator.geolocation) { shown.textContent = msg.msgNoPosition; return; }
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => answer(item, { latitude: coords.latitude, longitude: coords.longitude,
                                    accuracy: coords.accuracy }),
    () => { shown.textContent = msg.msgNoPosition; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

// Where the phone is, for an alert, and only if the person allowed it before: a permission prompt
// must never pop up in the middle of a press-and-hold during a call. An alert never waits for it.
let lastPosition = null;
async function notePosition() {
  try {
    const { state } = await navigator.permissions.query({ name: "geolocation" });
    if (state === "granted") lastPosition = (await here(3000)) || lastPosition;
  } catch (error) {
    // no Permissions API: the alert goes without a position
  }
}

async function raiseAlert(item, button) {
  const alertId = crypto.randomUUID();
  const event = await record("alert.raised", { alert_id: alertId, kind: button.dataset.alert,
    notify: button.dataset.notify.split(","), run_id: run.id, checklist_id: msg.checklist,
    item_id: item.id, context: run.context, ...(lastPosition && { position: lastPosition }) });
  markRaised(item);
  watchAlert(item, event.id, Date.now());
  await answer(item, { alert_id: alertId });
}

// Once an alert is raised the button says so: another hold sends another alert, on purpose.
function markRaised(item) {
  if (item.relabel) item.relabel(msg.msgHoldAgain);
}

// An alert is only help once it has left the phone. Until the server has it, say so plainly and
// large ("NOT SENT: call 911"), and keep trying every few seconds instead of the usual back-off.
const GRACE_MS = 3000;
const RETRY_MS = 5000;

function watchAlert(item, eventId, since) {
  const box = $(".not-sent", item.el);
  const status = $(".answer-status", item.el);
  item.el.dataset.delivery = "waiting";
  status.textContent = msg.msgSending;
  let retry = null;
  const check = async () => {
    const waiting = (await self.MusterOutbox.outbox()).find((event) => event.id === eventId);
    if (!waiting) {
      item.el.dataset.delivery = "sent";
      box.hidden = true;
      status.textContent = msg.msgDelivered;
      clearInterval(retry);
      window.removeEventListener("outbox-changed", check);
      return;
    }
    if (waiting.state === "rejected" || Date.now() - since > GRACE_MS) {
      box.hidden = false;
      $(".not-sent-reason", item.el).textContent = waiting.reason || "";
      status.textContent = msg.msgSent;
    }
  };
  window.addEventListener("outbox-changed", check);
  retry = setInterval(() => { syncNow(); check(); }, RETRY_MS);
  setTimeout(check, GRACE_MS + 100);
  check();
}

// After a reload: alerts of this run still on the phone are watched again.
async function watchUnsent() {
  const raised = (await journal()).filter((event) => event.type === "alert.raised"
    && event.payload.run_id === run.id);
  for (const event of raised) {
    const item = items.find((candidate) => candidate.id === event.payload.item_id);
    if (!item) continue;
    markRaised(item);
    if (!event.sent) watchAlert(item, event.id, Date.parse(event.occurred_at));
    else {
      item.el.dataset.delivery = "sent";
      $(".answer-status", item.el).textContent = msg.msgDelivered;
    }
  }
}

async function complete() {
  const missing = missingCritical(items, run.answers);
  const box = $("#critical-missing");
  const reasons = $$("input[data-reason-for]", box);
  if (missing.length && reasons.length !== missing.length) {
    box.replaceChildren(Object.assign(document.createElement("p"), { textContent: msg.msgCritical }));
    for (const item of missing) {
      const label = Object.assign(document.createElement("label"), { textContent: $(".item-label", item.el).textContent });
      const input = Object.assign(document.createElement("input"), { required: true, maxLength: 500 });
      input.dataset.reasonFor = item.id;
      input.id = `reason-${item.id}`;
      label.htmlFor = input.id;
      box.append(label, input);
    }
    box.hidden = false;
    box.querySelector("input").focus();
    return;
  }
  const skipped = reasons.map((input) => ({ item_id: input.dataset.reasonFor, reason: input.value.trim() }));
  const empty = reasons.find((input) => !input.value.trim());
  if (empty) { empty.focus(); return; }
  await record("checklist.completed", { run_id: run.id, skipped });
  localStorage.removeItem(`muster.step.${run.id}`);
  location.assign(`${location.pathname}?done=${run.id}`);
}

function show() {
  $("#run-context")?.setAttribute("hidden", "");
  $("#run-body").hidden = false;
  $("#run-finish").hidden = false;
  $("#step-nav").hidden = !readDo;
  step = Number(localStorage.getItem(`muster.step.${run.id}`)) || 0;
  showContext();
  render();
  root.dataset.ready = "true"; // the run is on screen (tests wait for this)
}

// "Bus number: 42 · Route: North 3", so the person sees which run this is.
function showContext() {
  const labels = JSON.parse(msg.contextLabels || "{}");
  const parts = Object.entries(run.context).map(([key, value]) => `${labels[key] || key}: ${value}`);
  const line = $("#run-context-shown");
  line.textContent = parts.join(" · ");
  line.hidden = !parts.length;
}

// A finished run: every answer on one page, read-only, ready to print for the handoff.
function summary(finished) {
  run = finished;
  root.classList.add("summary");
  for (const el of $$("button, input, textarea", $("#run-body"))) el.disabled = true;
  $("#run-body").hidden = false;
  $("#run-finish").hidden = true;
  $("#step-nav").hidden = true;
  $("#run-done").hidden = false;
  $("#run-done-when").textContent = new Date(run.completed.at).toLocaleString();
  for (const { item_id: id, reason } of run.completed.skipped) {
    const status = $(`#item-${CSS.escape(id)} .answer-status`);
    if (status) status.textContent = `${msg.msgSkipped} ${reason}`;
  }
  $("#run-print").addEventListener("click", () => window.print());
  showContext();
  render();
  root.dataset.ready = "true";
  for (const item of items) {
    if (ANSWERABLE.has(item.kind) && !isAnswered(run.answers.get(item.id)) && !item.el.hidden) {
      item.el.classList.add("unanswered");
    }
  }
}

async function main() {
  const done = new URLSearchParams(location.search).get("done");
  if (done) {
    const finished = runsOf(await journal(), msg.checklist).find((r) => r.id === done && r.completed);
    if (finished) { summary(finished); watchUnsent(); setInterval(tick, 1000); return; }
  }
  wire();
  run = await load();
  if (run) { show(); watchUnsent(); }
  else if (msg.context) {
    const form = $("#run-context");
    // A link may name the run's details (the trip page gives its trip): filled in, still editable.
    for (const [key, value] of new URLSearchParams(location.search)) {
      const input = form.elements[key];
      if (input instanceof HTMLInputElement && !input.value) input.value = value.slice(0, 60);
    }
    form.hidden = false;
    $("#run-body").hidden = true;
    $("#run-finish").hidden = true;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      start(Object.fromEntries(new FormData(form)));
    });
  } else { await start({}); }
  setInterval(tick, 1000);
}

main();
