// The report form: everything is kept on the phone first (a report.filed event plus its photos in
// the outbox), so it works with no signal. A half-filled form survives a reload as a draft.

import { keepFormDraft, restoreFormDraft } from "./form-draft.js";
import { draft, dropDraft, keepDraft, record, saveFile } from "./journal.js";
import { baseMap, fit, loadLeaflet } from "./map.js";
import { shrink } from "./photo.js";
import { fill } from "./text.js";
import { takeOver } from "./form-takeover.js";

const form = document.getElementById("report-form");
const msg = form.dataset;
const $ = (selector) => document.querySelector(selector);
const DRAFT = "report"; // typing and photos kept per person on the phone (outbox-core.js)
const MAX_PHOTOS = 4;
const FUTURE_SLACK_MS = 5 * 60 * 1000;
const PERSON = ["weapon", "apparent_age", "height", "weight", "build", "hair", "clothing", "marks",
  "leaving", "voice"];
const VEHICLE = ["colour", "year", "make_model", "body_style", "features", "plate", "plate_state",
  "occupants", "direction"];
const CONTEXT_KEYS = ["from", "checklist", "run", "bus_number", "route", "trip"];
const SHOWN_CONTEXT = ["from", "bus_number", "route", "trip"];

let position = null; // { latitude, longitude, accuracy, moved }
let pin = null;
const photos = []; // { blob, url }

// --- kind: show the parts of the form that fit what was seen ---
function kind() {
  const checked = form.querySelector("input[name=kind]:checked");
  return checked ? checked.value : "";
}

function showParts() {
  for (const part of form.querySelectorAll("[data-for]")) {
    part.hidden = !part.dataset.for.split(" ").includes(kind());
  }
}

// --- context: filed from inside a checklist (the bus, the run) ---
function context() {
  const params = new URLSearchParams(location.search);
  const found = {};
  for (const key of CONTEXT_KEYS) {
    const value = params.get(key);
    if (value) found[key] = value.slice(0, 120);
  }
  return found;
}

// --- when: now, in the phone's own time ---
function localNow() {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

// --- where: the phone's position, a pin to move, or a picked site ---
function locate() {
  const status = $("#report-position");
  if (!navigator.geolocation) { noPosition(); return; }
  status.textContent = msg.msgLocating;
  navigator.geolocation.getCurrentPosition(({ coords }) => {
    if (position && position.moved) return;
    position = { latitude: coords.latitude, longitude: coords.longitude, accuracy: coords.accuracy,
                 moved: false };
    status.textContent = fill(msg.msgLocated, { acc: Math.round(coords.accuracy) });
    $("#adjust-pin").hidden = false;
    if (pin) pin.setLatLng([position.latitude, position.longitude]);
  }, noPosition, { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
}

function noPosition() {
  $("#report-position").textContent = msg.msgNoPosition;
  $("#report-position").classList.add("warning");
  $("#r-site").options[0].textContent = msg.msgChoosePlace; // there is no position to use
}

async function showMap() {
  const el = $("#report-map");
  el.hidden = false;
  $("#adjust-pin").hidden = true;
  const L = await loadLeaflet(msg.leafletJs, msg.leafletCss);
  const map = baseMap(L, el, JSON.parse(msg.map), JSON.parse(msg.sites));
  const here = [position.latitude, position.longitude];
  const icon = L.divIcon({ className: "pin", iconSize: [36, 36], iconAnchor: [18, 36] });
  pin = L.marker(here, { draggable: true, icon, keyboard: true,
    title: $("#report-map-hint").textContent }).addTo(map);
  const pinMoved = () => {
    const { lat, lng } = pin.getLatLng();
    position = { ...position, latitude: lat, longitude: ((lng + 540) % 360) - 180, moved: true };
    $("#report-position").textContent = msg.msgMoved;
  };
  pin.on("dragend", pinMoved);
  map.on("click", ({ latlng }) => { pin.setLatLng(latlng); pinMoved(); }); // a tap is easier than a drag
  $("#report-map-hint").hidden = false;
  fit(map, [here]);
}

// --- photos: shrunk on the phone, kept as a draft on it until the report is saved ---
const keepPhotos = () => keepDraft("report-photos", photos.map((photo) => photo.blob)).catch(() => {});

async function restorePhotos() {
  const blobs = (await draft("report-photos").catch(() => null)) || [];
  for (const blob of blobs.slice(0, MAX_PHOTOS)) photos.push({ blob, url: URL.createObjectURL(blob) });
  paintPhotos();
}

async function addPhotos(files) {
  for (const file of files) {
    if (photos.length >= MAX_PHOTOS) { showErrors([msg.msgTooMany]); break; }
    try {
      const blob = await shrink(file);
      photos.push({ blob, url: URL.createObjectURL(blob) });
    } catch (error) {
      showErrors([msg.msgPhotoFailed]);
    }
  }
  paintPhotos();
  keepPhotos();
}

function paintPhotos() {
  const list = $("#report-photos");
  list.replaceChildren(...photos.map((photo, index) => {
    const li = document.createElement("li");
    const img = Object.assign(document.createElement("img"), { src: photo.url, alt: "" });
    const remove = Object.assign(document.createElement("button"), {
      type: "button", textContent: "✕", className: "remove-photo",
    });
    remove.setAttribute("aria-label", fill(msg.msgRemove, { n: index + 1 }));
    remove.addEventListener("click", () => {
      URL.revokeObjectURL(photo.url);
      photos.splice(index, 1);
      paintPhotos();
      keepPhotos();
    });
    li.append(img, remove);
    return li;
  }));
  $("#r-photos").disabled = photos.length >= MAX_PHOTOS;
}

// --- draft: typing survives a reload until the report is saved ---
const saveDraft = () => keepFormDraft(form, DRAFT);
const restoreDraft = () => restoreFormDraft(form, DRAFT);

// --- saving ---
function text(name) {
  return form.elements[name].value.trim();
}

function describe(names) {
  const out = {};
  for (const name of names) out[name] = text(name);
  return out;
}

function problems() {
  const found = [];
  const mark = (el, bad) => { if (el) el.setAttribute("aria-invalid", String(bad)); };
  if (!kind()) found.push([msg.msgNeedKind, form.querySelector("input[name=kind]")]);
  mark($("#f-kind"), !kind());
  mark($("#r-activity"), !text("activity"));
  if (!text("activity")) found.push([msg.msgNeedActivity, $("#r-activity")]);
  const seen = new Date(text("seen_at")).getTime();
  const later = seen > Date.now() + FUTURE_SLACK_MS; // a wrong AM/PM: the server would refuse it
  mark($("#r-seen_at"), later);
  if (later) found.push([msg.msgFuture, $("#r-seen_at")]);
  const placed = position || text("site_id");
  mark($("#r-site"), !placed);
  if (!placed) found.push([msg.msgNeedPlace, $("#r-site")]);
  return found;
}

function showErrors(messages) {
  const box = $("#report-errors");
  box.replaceChildren(Object.assign(document.createElement("p"), { textContent: msg.msgErrors }),
    ...messages.map((m) => Object.assign(document.createElement("p"), { textContent: m })));
  box.hidden = false;
  box.focus();
}

async function save(event) {
  event.preventDefault();
  const found = problems();
  if (found.length) { showErrors(found.map(([m]) => m)); return; }
  const button = $("#report-save");
  button.disabled = true;
  try {
    await keep();
  } catch (error) {
    button.disabled = false; // what was typed stays, as a draft: try again or phone it in
    showErrors([msg.msgNotKept]);
    return;
  }
  await dropDraft(DRAFT).catch(() => {});
  await dropDraft("report-photos").catch(() => {}); // the photos are in the outbox now
  form.hidden = true;
  $("#report-guidance").hidden = true;
  $("#report-911").hidden = true;
  const done = $("#report-saved");
  done.hidden = false;
  done.focus();
}

/** The photos and the report.filed event, into the outbox; throws when the phone can't keep them. */

async function keep() {
  const k = kind();
  const seen = text("seen_at") ? new Date(text("seen_at")) : new Date();
  const photoIds = [];
  for (const photo of photos) photoIds.push(await saveFile(photo.blob));
  const site = text("site_id");
  const payload = {
    report_id: crypto.randomUUID(),
    kind: k,
    activity: text("activity"),
    concern: text("concern"),
    seen_at: (Number.isNaN(seen.getTime()) ? new Date() : seen).toISOString(),
    photos: photoIds,
    context: context(),
  };
  if (k === "person" || k === "both") payload.person = describe(PERSON);
  if (k === "vehicle" || k === "both") payload.vehicle = describe(VEHICLE);
  if (k === "item") payload.item = text("item");
  if (site) payload.site_id = Number(site);
  else payload.position = position;
  await record("report.filed", payload);
}

async function init() {
  await restoreDraft();
  restorePhotos();
  if (!form.elements.seen_at.value) form.elements.seen_at.value = localNow();
  const params = new URLSearchParams(location.search);
  const preset = params.get("kind");
  if (preset && !kind()) {
    const radio = form.querySelector(`input[name=kind][value="${CSS.escape(preset)}"]`);
    if (radio) radio.checked = true;
  }
  if (params.get("no_photo") === "1") { // opened near a suspicious item: no phone goes near it
    $("#report-photos-field").hidden = true;
    $("#no-photo").hidden = false;
  }
  const from = context();
  if (SHOWN_CONTEXT.some((key) => from[key])) {
    const shown = $("#report-context");
    const what = SHOWN_CONTEXT.map((key) => from[key]).filter(Boolean).join(" · ");
    shown.textContent = fill(msg.msgFrom, { what });
    shown.hidden = false;
  }
  showParts();
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") showParts();
    if (event.target.id === "r-photos") { addPhotos([...event.target.files]); event.target.value = ""; }
    saveDraft();
  });
  form.addEventListener("input", saveDraft);
  takeOver(form, save);
  $("#adjust-pin").addEventListener("click", showMap);
  askOrLocate();
}

// Location is asked for only when the person taps for it, never on load (a prompt nobody asked
// for); where it was already allowed, it is found at once.
async function askOrLocate() {
  const button = $("#use-position");
  button.addEventListener("click", () => { button.hidden = true; locate(); });
  try {
    const { state } = await navigator.permissions.query({ name: "geolocation" });
    if (state === "granted") { locate(); return; }
    if (state === "denied") { noPosition(); return; }
  } catch (error) {
    // no Permissions API: offer the button
  }
  button.hidden = !navigator.geolocation;
  if (!navigator.geolocation) noPosition();
}

init();
