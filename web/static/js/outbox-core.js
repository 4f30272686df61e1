// The outbox: the only code that touches IndexedDB, and the one sync algorithm.
// A classic script (not an ES module) on purpose: the service worker loads it with importScripts
// for Background Sync, and pages load it with a <script> tag, so both share one implementation
// in every browser (module service workers are not available everywhere yet). It knows no DOM.
/* global self, indexedDB */
(function (scope) {
  "use strict";

  const DB_NAME = "muster";
  const DB_VERSION = 1; // bump with a migration step in upgrade() below; never drop a store
  const MAX_EVENTS = 100;
  const MAX_BYTES = 900000; // under the server's 1 MB limit, leaving room for the envelope
  const JOURNAL_DAYS = 14; // sent events kept on the phone to rebuild screens, then pruned

  function upgrade(db, oldVersion) {
    if (oldVersion < 1) {
      // outbox: events not yet accepted (state "pending" or "rejected", with a reason)
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("seq", "seq");
      // journal: every event recorded here, sent or not, so a page can rebuild its state
      db.createObjectStore("journal", { keyPath: "id" }).createIndex("seq", "seq");
      db.createObjectStore("files", { keyPath: "id" }); // photos waiting for their upload
      db.createObjectStore("meta", { keyPath: "key" }); // device id, sequence counter
    }
  }

  let opening = null;
  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = () => { opening = null; reject(request.error); };
        request.onblocked = () => reject(new Error("outbox database is blocked by another tab"));
      });
    }
    return opening;
  }

  // Run fn(stores) in one transaction; resolves once the transaction has committed.
  async function tx(names, mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((n) => [n, t.objectStore(n)]));
      let result;
      Promise.resolve(fn(stores)).then((value) => { result = value; }, (error) => {
        t.abort();
        reject(error);
      });
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new Error("transaction aborted"));
    });
  }

  const req = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  async function meta(key, make) {
    return tx(["meta"], "readwrite", async ({ meta: store }) => {
      const row = await req(store.get(key));
      if (row) return row.value;
      const value = make();
      store.put({ key, value });
      return value;
    });
  }

  const deviceId = () => meta("device_id", () => self.crypto.randomUUID());

  // Drafts: what a form holds before it is saved (a report's photos), kept per person so a
  // reload never loses them; nothing in a draft is ever sent.
  const draftKey = (name) => `draft:${name}:${recorder}`;
  const keepDraft = (name, value) =>
    tx(["meta"], "readwrite", ({ meta: store }) => { store.put({ key: draftKey(name), value }); });
  const draft = (name) =>
    tx(["meta"], "readonly", async ({ meta: store }) => (await req(store.get(draftKey(name))))?.value);
  const dropDraft = (name) =>
    tx(["meta"], "readwrite", ({ meta: store }) => { store.delete(draftKey(name)); });
  // The language chosen on this phone, until the server has it too (chosen with no signal): the
  // service worker serves kept pages in it. {code, pending}.
  const chooseLocale = (code, pending) =>
    tx(["meta"], "readwrite", ({ meta: store }) => { store.put({ key: "locale", value: { code, pending } }); });
  const chosenLocale = () =>
    tx(["meta"], "readonly", async ({ meta: store }) => (await req(store.get("locale")))?.value || null);
  const changed = () => scope.dispatchEvent && scope.dispatchEvent(new Event("outbox-changed"));

  // Who is recording on this page: events carry it, so on a shared phone each person's events
  // are sent only under their own sign-in, and screens rebuild only from their own events.
  let recorder = null;
  const setRecorder = (userId) => { recorder = userId; };
  const mine = (event) => event.by == null || event.by === recorder;

  // Record an event: written to the outbox and the journal in one transaction, or not at all.
  async function record(type, payload) {
    const event = { id: self.crypto.randomUUID(), type, occurred_at: new Date().toISOString(), payload };
    await tx(["outbox", "journal", "meta"], "readwrite", async (s) => {
      const counter = (await req(s.meta.get("seq"))) || { key: "seq", value: 0 };
      counter.value += 1;
      s.meta.put(counter);
      s.outbox.put({ ...event, by: recorder, seq: counter.value, state: "pending", reason: null });
      s.journal.put({ ...event, by: recorder, seq: counter.value, sent: false });
    });
    changed();
    return event;
  }

  async function saveFile(blob) {
    const id = self.crypto.randomUUID();
    await tx(["files"], "readwrite", ({ files }) => files.put({ id, blob, type: blob.type }));
    changed();
    return id;
  }

  const all = (name) => tx([name], "readonly", (s) => req(s[name].index("seq").getAll()));
  const outbox = () => all("outbox");
  const journal = async () => (await all("journal")).filter(mine);
  const files = () => tx(["files"], "readonly", ({ files: f }) => req(f.getAll()));

  async function counts() {
    const [items, waitingFiles] = await Promise.all([outbox(), files()]);
    const rejected = items.filter((e) => e.state === "rejected").length;
    const events = items.length - rejected;
    // Alerts still on the phone (waiting or refused), and since when: the header puts an unsent
    // alert above everything else, because nobody has been told yet.
    const alerts = items.filter((e) => e.type === "alert.raised");
    const alertSince = alerts.length ? alerts.map((e) => e.occurred_at).sort()[0] : null;
    // pending: anything still to send; events and photos apart, so the header can name them.
    return { pending: events + waitingFiles.length, events, photos: waitingFiles.length, rejected,
      alerts: alerts.length, alertSince };
  }

  // Apply the server's answers: accepted and duplicate leave the outbox; rejected stay, with why.
  async function settle(results) {
    await tx(["outbox", "journal"], "readwrite", async (s) => {
      for (const { id, status, reason } of results) {
        const event = await req(s.outbox.get(id));
        if (!event) continue;
        if (status === "accepted" || status === "duplicate") {
          s.outbox.delete(id);
          const copy = await req(s.journal.get(id));
          if (copy) s.journal.put({ ...copy, sent: true });
        } else if (status === "rejected") {
          s.outbox.put({ ...event, state: "rejected", reason });
        } // "retry": left as it is, sent again next time
      }
    });
    changed();
  }

  // Give up on a rejected event on purpose, or send a corrected copy under a new id.
  async function discard(id) {
    await tx(["outbox", "journal"], "readwrite", (s) => { s.outbox.delete(id); s.journal.delete(id); });
    changed();
  }
  async function resend(id, payload) {
    const old = await tx(["outbox"], "readonly", (s) => req(s.outbox.get(id)));
    if (!old) return null;
    const fresh = await record(old.type, payload || old.payload);
    await discard(id);
    return fresh;
  }

  async function prune(now = Date.now()) {
    const cutoff = new Date(now - JOURNAL_DAYS * 86400000).toISOString();
    await tx(["journal"], "readwrite", async ({ journal: store }) => {
      for (const event of await req(store.getAll())) {
        if (event.sent && event.occurred_at < cutoff) store.delete(event.id);
      }
    });
  }

  // Batches of at most MAX_EVENTS events and MAX_BYTES of UTF-8 (what the server counts). An event
  // too large on its own travels alone, so the server's refusal names it and blocks no other.
  const encoder = new TextEncoder();
  function batches(events) {
    const result = [];
    let batch = [];
    let size = 0;
    for (const { seq, state, reason, by, ...event } of events) {
      const bytes = encoder.encode(JSON.stringify(event)).length;
      if (batch.length && (batch.length >= MAX_EVENTS || size + bytes > MAX_BYTES)) {
        result.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(event);
      size += bytes;
    }
    if (batch.length) result.push(batch);
    return result;
  }

  class SignInNeeded extends Error {}
  class Unreachable extends Error {}

  // Every request has a deadline: a server that accepts the connection and never answers (a weak
  // signal, a frozen proxy) must read as unreachable within seconds, not hang "Sending…" for a
  // minute. The session check is the reachability test, so it is the shortest.
  const TIMEOUT_MS = { check: 4000, upload: 30000, sync: 20000 };

  // The session check's deadline: 4 s at first, so no signal reads as "Offline" at once; doubled
  // after each check that got no answer in time, up to the sync's 20 s, so a slow network that
  // works (2G at a depot) still gets the outbox through instead of timing out every time; back
  // to 4 s once the server answers.
  let checkMs = TIMEOUT_MS.check;
  function nextCheckMs(current, answered) {
    return answered ? TIMEOUT_MS.check : Math.min(current * 2, TIMEOUT_MS.sync);
  }

  async function call(url, options, timeoutMs) {
    let response;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      response = await fetch(url, { credentials: "same-origin", cache: "no-store", ...options,
        signal: controller.signal });
    } catch (error) {
      const unreachable = new Unreachable(controller.signal.aborted ? `no answer in ${timeoutMs / 1000} s` : String(error));
      unreachable.timedOut = controller.signal.aborted;
      throw unreachable;
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401) throw new SignInNeeded();
    if (response.status >= 500 || response.status === 429) throw new Unreachable(`HTTP ${response.status}`);
    return response;
  }

  // One pass: ask the server who we are (a real request, not navigator.onLine), send waiting
  // files, then events in recording order. Throws Unreachable or SignInNeeded; never drops data.
  async function syncOnce() {
    let session;
    try {
      session = await (await call("/api/session", {}, checkMs)).json();
      checkMs = nextCheckMs(checkMs, true);
    } catch (error) {
      if (error.timedOut) checkMs = nextCheckMs(checkMs, false);
      throw error;
    }
    if (!session.signed_in) throw new SignInNeeded();
    const headers = { "X-CSRF-Token": session.csrf };
    for (const file of await files()) {
      const response = await call(`/api/uploads/${file.id}`,
        { method: "PUT", body: file.blob, headers: { ...headers, "Content-Type": file.type } },
        TIMEOUT_MS.upload);
      if (response.ok || [400, 409, 413, 415].includes(response.status)) {
        // Stored (or refused for good: the event that references it says so on the server).
        await tx(["files"], "readwrite", ({ files: f }) => f.delete(file.id));
      }
    }
    const device = await deviceId();
    // Only what this session's person recorded (or what predates recorders) goes out under it.
    const waiting = (await outbox()).filter((event) => event.state === "pending"
      && (event.by == null || event.by === session.user_id));
    for (const batch of batches(waiting)) {
      const response = await call("/api/sync", { method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        // sent_at: this phone's clock now, so the server can put every time on its own clock
        body: JSON.stringify({ device_id: device, sent_at: new Date().toISOString(), events: batch }) },
        TIMEOUT_MS.sync);
      if (response.status === 413 && batch.length === 1) {
        // Too large for the server however often it is sent: it needs attention, the rest go on.
        const { error } = await response.json().catch(() => ({}));
        await settle([{ id: batch[0].id, status: "rejected", reason: error || "HTTP 413" }]);
        continue;
      }
      if (!response.ok) throw new Unreachable(`HTTP ${response.status}`);
      await settle((await response.json()).results);
    }
    await prune();
    return counts();
  }

  // One sync at a time across tabs and the service worker.
  function syncExclusive() {
    if (self.navigator && self.navigator.locks) {
      return self.navigator.locks.request("muster-sync", () => syncOnce());
    }
    return syncOnce();
  }

  scope.MusterOutbox = { setRecorder, record, saveFile, outbox, journal, counts, discard, resend, settle,
    syncOnce: syncExclusive, nextCheckMs, deviceId, keepDraft, draft, dropDraft, chooseLocale, chosenLocale, SignInNeeded, Unreachable, batches,
    DB_NAME };
})(self);
