// The checklist runner: turns the server-rendered checklist into a live run on the device.
// Every answer is an outbox event; the screen is always rebuilt from those events.

import { holdToRaise, rewatchAll } from "./field-alert.js";
import { draft, dropDraft, journal, keepDraft, record, saveFile } from "./journal.js";
import { shrink } from "./photo.js";
import { formatDuration, isAnswered, isShown, isStale, missingCritical, runsOf, stepTotal } from "./run-state.js";
import { fill } from "./text.js";

const root = document.getElementById("runner");
const $ = (selector, scope = root) => scope.querySelector(selector);
const $$ = (selector, scope = root) => [...scope.querySelectorAll(selector)];
const msg = root.dataset;

const items = $$(".run-item").map((el) => ({
  el,
  id: el.dataset.item,
  kind: el.dataset.kind,
  asked: el.dataset.asked === "true", // the server's list of kinds a person answers
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
const readDo = msg.mode === "read-do";
// "?practice=1": one person rehearsing. Its run is marked practice from its first event, so a
// reload keeps the banner, and its alerts reach nobody (the server makes sure of it too).
const practising = new URLSearchParams(location.search).has("practice");
let run = null; // a run not yet recorded has no id: the first answer records it
let step = 0;
const blankRun = () => ({ id: null, context: {}, startedAt: null, answers: new Map(), completed: null,
  practice: practising });
const DRAFT = `run-text-${msg.checklist}`; // typed text, kept as typed (outbox-core.js drafts)

// The run to take up: the newest one, if it is still open. An older open run was passed over for
// a new one ("New call") on purpose, and is not offered again.
async function load() {
  const [newest] = runsOf(await journal(), msg.checklist).filter((r) => r.practice === practising);
  return newest && !newest.completed && !newest.discarded ? newest : null;
}

async function begin(context) {
  const runId = crypto.randomUUID();
  await record("checklist.started", { run_id: runId, checklist_id: msg.checklist,
    version: Number(msg.version), context, ...(practising && { practice: true }) });
  const answers = run ? run.answers : new Map();
  run = await load();
  for (const [id, given] of answers) if (!run.answers.has(id)) run.answers.set(id, given);
}

// A run begun here is on screen at once and written after: a cheap phone's storage can take
// seconds to write, and the steps must not wait for it (under load in CI a run once never showed while its start was being written).
function start(context) {
  run = { ...blankRun(), context, startedAt: new Date().toISOString() };
  step = 0;
  show();
  return ensureRun().then(() => { $("#run-discard").hidden = false; }); // once there is a run to discard
}

// Writes one after another: the run itself is recorded before its first answer.
let recording = Promise.resolve();
function ensureRun() {
  recording = recording.then(() => (run.id ? null : begin(run.context)));
  return recording;
}

async function answer(item, value) {
  // At once, before it is written: a quick "Next" must already follow this answer's branch
  // (it skipped the tourniquet steps while "An arm or a leg" was still being stored).
  run.answers.set(item.id, { value, at: new Date().toISOString() });
  render();
  recording = recording.then(async () => {
    if (!run.id) await begin(run.context);
    const event = await record("checklist.answered", { run_id: run.id, item_id: item.id, value });
    run.answers.set(item.id, { value, at: event.occurred_at });
  });
  await recording;
  if (item.kind !== "action") $(".answer-status", item.el).textContent = msg.msgSaved;
  render();
}

// Typed answers: every keystroke is kept on the phone as a draft at once, and the answer is
// recorded once it settles (the field is left, the page is left, or reloaded), so the server
// gets one event per answer while nothing typed is ever lost.
let typed = {};
// A reload at once can outrun the last IndexedDB write (it commits after the keystroke), so this
// tab's sessionStorage, written before the keystroke's handler returns, holds the newest text too;
// IndexedDB still covers a closed tab or a browser restart. The newer of the two is restored.
const MIRROR = `muster.typed.${msg.checklist}`;
async function keepTyped(item, value) {
  typed[item.id] = value;
  await keepDrafts();
}

async function keepDrafts() {
  const kept = { run: run.id, texts: typed, at: Date.now() };
  try {
    sessionStorage.setItem(MIRROR, JSON.stringify(kept));
  } catch {
    // storage off or full: IndexedDB below still keeps it
  }
  await keepDraft(DRAFT, kept).catch(() => {});
}

function dropDrafts() {
  sessionStorage.removeItem(MIRROR);
  return dropDraft(DRAFT).catch(() => {});
}

// The draft goes only once the answer is recorded: a reload blurs the field, and its "change"
// must not drop the text before the answer is safe (the page may be gone before it is).
async function settleTyped(item, value) {
  const given = run.answers.get(item.id);
  if ((given ? given.value : "") !== value) await answer(item, value);
  if (typed[item.id] === value) delete typed[item.id];
  await keepDrafts();
}

function mirrored() {
  try {
    return JSON.parse(sessionStorage.getItem(MIRROR) || "null");
  } catch {
    return null;
  }
}

async function restoreTyped() {
  const drafts = [await draft(DRAFT).catch(() => null), mirrored()]
    .filter((kept) => kept && (!kept.run || kept.run === run.id))
    .sort((a, b) => (b.at || 0) - (a.at || 0));
  const kept = drafts[0];
  if (!kept) return;
  for (const [id, value] of Object.entries(kept.texts || {})) {
    const item = items.find((candidate) => candidate.id === id);
    const input = item && $(".answer-input", item.el);
    if (!input) continue;
    input.value = value;
    typed[id] = value;
    await settleTyped(item, value); // a reload is a settled moment: what was typed is recorded
  }
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
  if (run.id) localStorage.setItem(`muster.step.${run.id}`, String(step));
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
    // Counted over the longest way still open, so the total never jumps up mid-way.
    const total = Math.max(stepTotal(items, run.answers), items.filter((item) => shown.has(item.id)).length);
    bar.max = total;
    bar.value = Math.min(step + 1, total);
    label.textContent = fill(msg.msgStep, { n: Math.min(step + 1, total), total });
  } else {
    const answerable = items.filter((item) => shown.has(item.id) && item.asked);
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
    if (running && !readDo) item.el.hidden = true; // one clock on screen: the pinned one
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
  const now = run.completed ? Date.parse(run.completed.at) : Date.now(); // stopped when finished
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
  if (link.hasAttribute("data-no-photo")) params.no_photo = "1"; // near a suspicious item
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
    if (input && (item.kind === "text" || item.kind === "long_text")) {
      input.addEventListener("input", () => {
        keepTyped(item, input.value);
        $(".answer-status", item.el).textContent = msg.msgTyped;
      });
      input.addEventListener("change", () => settleTyped(item, input.value));
    } else if (input && input.type !== "file") {
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
      item.relabel = holdToRaise(hold, {
        payload: async () => {
          await ensureRun();
          return { kind: hold.dataset.alert, notify: hold.dataset.notify.split(","), run_id: run.id,
            checklist_id: msg.checklist, item_id: item.id, context: run.context,
            ...(run.practice && { practice: true }) };
        },
        status: $("[data-alert-status]", item.el),
        msg,
        onRaised: (alertId) => answer(item, { alert_id: alertId }),
        onState: (state) => holdState(item, run.practice && state === "sent" ? "" : state),
      });
    }
  }
  $("#step-back").addEventListener("click", () => { step = Math.max(0, step - 1); render(); });
  $("#step-next").addEventListener("click", () => { step += 1; render(); });
  $("#run-complete").addEventListener("click", complete);
  $("#run-discard").addEventListener("click", discard);
  // Leaving the page (closing the tab, switching app) settles what is being typed.
  window.addEventListener("pagehide", () => document.activeElement?.blur?.());
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

// What the hold did, on the button itself: "Alert raised, sending" → "Alert sent", or
// "NOT SENT: call 911".
function holdState(item, state) {
  const line = $(".hold-state", item.el);
  if (!line) return;
  line.textContent = { sending: msg.msgStateSending, sent: msg.msgStateSent,
    "not-sent": msg.msgStateNotSent }[state] || "";
  $("[data-hold]", item.el).dataset.state = state;
}

// After a reload: alerts of this run still on the phone are shown again (undone, sent, or
// watched until they are).
async function watchUnsent() {
  if (!run.id) return;
  const events = await journal();
  const raised = events.filter((event) => event.type === "alert.raised"
    && event.payload.run_id === run.id);
  const itemOf = (event) => items.find((candidate) => candidate.id === event.payload.item_id);
  rewatchAll(events, raised, (event) => itemOf(event) && $("[data-alert-status]", itemOf(event).el),
    msg, (event) => itemOf(event).relabel?.(msg.msgHoldAgain),
    (event, state) => holdState(itemOf(event), state));
}

// A practice run says so on every screen, in its own colour; a report button files nothing.
function showPractice() {
  const on = Boolean(run ? run.practice : practising);
  document.body.classList.toggle("practice", on);
  $("#practice-banner").hidden = !on;
  $("#practice-offer").hidden = on;
  for (const link of $$("a[data-report]")) {
    link.hidden = on;
    link.nextElementSibling?.toggleAttribute("hidden", !on);
  }
  // The missing-student screen raises a real alert and a police countdown: never from practice.
  for (const link of $$("a[data-lost-student]")) link.hidden = on;
  for (const note of $$("[data-practice-note]")) note.hidden = !on;
  if (!on && run) pickTrip();
}

async function complete() {
  document.activeElement?.blur?.();
  await ensureRun();
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
  await dropDrafts();
  localStorage.removeItem(`muster.step.${run.id}`);
  location.assign(`${location.pathname}?done=${run.id}`);
}

// Discard: a run that was not real (a misdial, a test) is closed on purpose, and said so on the
// server too; a second tap confirms, since nothing brings it back.
async function discard() {
  const button = $("#run-discard");
  if (!button.dataset.confirm) {
    button.dataset.confirm = "true";
    button.textContent = msg.msgDiscardConfirm;
    return;
  }
  await recording; // a run still being written is written, then discarded
  if (run.id) await record("checklist.discarded", { run_id: run.id });
  await dropDrafts();
  localStorage.removeItem(`muster.step.${run.id}`);
  location.assign(location.pathname);
}

function show() {
  root.classList.remove("starting");
  $("#run-context")?.setAttribute("hidden", "");
  $("#run-start").hidden = true;
  $("#run-body").hidden = false;
  $("#run-finish").hidden = false;
  $("#run-discard").hidden = !run.id;
  $("#step-nav").hidden = !readDo;
  const bar = $("#finish-bar");
  if (bar) bar.hidden = false;
  step = run.id ? Number(localStorage.getItem(`muster.step.${run.id}`)) || 0 : step;
  showContext();
  pickTrip();
  showPractice();
  render();
  restoreTyped();
  root.dataset.ready = "true"; // the run is on screen (tests wait for this)
}

const clockTime = (iso) => new Date(iso).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });

// The start screen. A stale run (untouched for longer than this checklist allows) is offered
// back beside a new one, never taken up silently; a checklist with a clock starts with one tap.
function offer(stale) {
  const newButton = $("#run-new");
  const resume = $("#run-resume");
  $("#run-body").hidden = true;
  $("#run-finish").hidden = true;
  $("#run-start").hidden = false;
  root.classList.add("starting");
  if (stale) {
    const time = clockTime(stale.startedAt);
    resume.textContent = fill(msg.msgResume, { time });
    resume.hidden = false;
    resume.onclick = () => { run = stale; show(); watchUnsent(); };
  } else {
    newButton.textContent = msg.msgBegin;
  }
  newButton.onclick = () => {
    $("#run-start").hidden = true;
    fresh(true);
  };
  root.dataset.ready = "true";
}

// A run not started yet: details first where the checklist asks for them; a clocked checklist
// (or one tap on "New call") starts at once; any other shows its steps, and the first answer
// records the run.
function fresh(tapped) {
  run = blankRun();
  if (msg.context) {
    const form = $("#run-context");
    // A link may name the run's details (the trip page gives its trip): filled in, still editable.
    for (const [key, value] of new URLSearchParams(location.search)) {
      const input = form.elements[key];
      if (input instanceof HTMLInputElement && !input.value) input.value = value.slice(0, 60);
    }
    form.hidden = false;
    $("#run-body").hidden = true;
    $("#run-finish").hidden = true;
    form.onsubmit = (event) => {
      event.preventDefault();
      start(Object.fromEntries(new FormData(form)));
    };
    root.dataset.ready = "true";
  } else if (msg.msgBegin && !tapped) {
    offer(null);
  } else if (msg.msgBegin) {
    start({});
  } else {
    show();
  }
}

// The missing-student button leads to this run's trip when the phone has several trips on.
function pickTrip() {
  if (run.practice) return; // showPractice keeps them all hidden
  const links = $$("a[data-lost-student]");
  const mine = links.filter((link) => link.dataset.tripName === run.context.trip);
  if (mine.length) for (const link of links) link.hidden = !mine.includes(link);
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
  $("#run-start").hidden = true;
  $("#run-done-when").textContent = new Date(run.completed.at).toLocaleString();
  const finishedAt = $("#run-finished-at");
  finishedAt.textContent = fill(msg.msgFinishedAt,
    { time: clockTime(run.completed.at) });
  finishedAt.hidden = false;
  for (const { item_id: id, reason } of run.completed.skipped) {
    const status = $(`#item-${CSS.escape(id)} .answer-status`);
    if (status) status.textContent = `${msg.msgSkipped} ${reason}`;
  }
  $("#run-print").addEventListener("click", () => window.print());
  showContext();
  showPractice();
  render();
  root.dataset.ready = "true";
  for (const item of items) {
    if (item.asked && !isAnswered(run.answers.get(item.id)) && !item.el.hidden) {
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
  const open = await load();
  // A run finishes on the version it started: if the checklist changed since, open that version
  // (the server keeps it). Asked once: offline, a page without it runs here on the same item ids.
  const params = new URLSearchParams(location.search);
  if (open && open.version && open.version !== Number(msg.version) && !params.has("v")) {
    params.set("v", open.version);
    location.replace(`${location.pathname}?${params}`);
    return;
  }
  if (!open && msg.latest !== msg.version) { // a kept version is only for finishing a run
    params.delete("v"); // the rest (?trip=…) still fills in the run's details
    location.replace(params.size ? `${location.pathname}?${params}` : location.pathname);
    return;
  }
  wire();
  showPractice();
  if (open && !isStale(open, Number(msg.staleMinutes), Date.now())) { run = open; show(); watchUnsent(); }
  else if (open) offer(open);
  else fresh(false);
  setInterval(tick, 1000);
}

// Whatever happens, the page is never left hidden (the CSS waits for data-ready).
main().finally(() => { root.dataset.ready ||= "true"; });
