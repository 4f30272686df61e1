// What pages use to write and read events: a thin layer over the outbox (outbox-core.js).
const outbox = self.MusterOutbox;

/** Record an event; it is on this phone once the promise resolves. */
export const record = (type, payload) => outbox.record(type, payload);

/** Every event recorded on this phone (sent or not), oldest first. */
export const journal = () => outbox.journal();

/** Keep a file (a photo) on this phone until it is uploaded; returns its upload id. */
export const saveFile = (blob) => outbox.saveFile(blob);

/** A form's unsaved state (e.g. a report's photos), kept for this person until dropped; never sent. */
export const keepDraft = (name, value) => outbox.keepDraft(name, value);
export const draft = (name) => outbox.draft(name);
export const dropDraft = (name) => outbox.dropDraft(name);
