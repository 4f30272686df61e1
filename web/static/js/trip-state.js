// A trip as this phone knows it: the server's view when the page was fetched, plus every trip event
// recorded here since. No DOM and no storage, so a reload always shows the same state.

/** This trip's events from the journal, oldest first. */
export function tripEvents(events, tripId) {
  return events
    .filter((e) => e.type.startsWith("trip.") && e.payload && e.payload.trip_id === tripId)
    .sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
}

/** Students reported missing and not found yet. ``fromServer``: [{lost_id, student_id,
 *  started_at, last_seen_at, last_seen_where, description}]. ``sent``: whether the school has the
 *  report (the server listed it, or the phone's copy was accepted). A student reported twice (two
 *  phones, or the server's copy and this phone's) is one search: the earliest report stands. */
export function openLost(fromServer, events) {
  const lost = new Map(fromServer.map((l) => [l.lost_id, { ...l, sent: true }]));
  const found = [];
  for (const e of events) {
    const p = e.payload;
    if (e.type === "trip.student_lost") {
      lost.set(p.lost_id, { lost_id: p.lost_id, student_id: p.student_id ?? null, started_at: e.occurred_at,
        last_seen_at: p.last_seen_at ?? null, last_seen_where: p.last_seen_where || "",
        description: p.description || "", sent: Boolean(e.sent) || lost.has(p.lost_id) });
    } else if (e.type === "trip.student_found") {
      found.push({ lost_id: p.lost_id, at: e.occurred_at });
    }
  }
  // Found closes that report and every report of the same student made before it.
  const closed = (l) => found.some((f) => f.lost_id === l.lost_id || (l.student_id !== null
    && lost.get(f.lost_id)?.student_id === l.student_id && l.started_at <= f.at));
  const open = [...lost.values()].filter((l) => !closed(l))
    .sort((a, b) => a.started_at.localeCompare(b.started_at));
  const seen = new Set();
  return open.filter((l) => {
    if (l.student_id === null) return true;
    if (seen.has(l.student_id)) return false;
    seen.add(l.student_id);
    return true;
  });
}

/** The newest event of a type, or null. */
export function latest(events, type) {
  const matching = events.filter((e) => e.type === type);
  return matching.length ? matching[matching.length - 1] : null;
}

/** Seconds left of a countdown of ``total`` seconds started at ``startedAt`` (may be negative). */
export function secondsLeft(startedAt, total, now = Date.now()) {
  return total - (now - Date.parse(startedAt)) / 1000;
}

/** Who is missing from a count by name: roster ids not in ``present``. */
export function missingFrom(roster, present) {
  const here = new Set(present);
  return roster.filter((id) => !here.has(id));
}

/** The check-in most likely next after ``last`` (a trip.checkin payload, or null), to stand out;
 *  ``stopIds`` in plan order. Mirrors server/trips/rules.py next_checkin. */
export function nextCheckin(last, stopIds) {
  if (!last) return "departed";
  if (last.kind === "departed") return stopIds.length ? "arrived" : "returning";
  if (last.kind === "arrived") {
    const atLastStop = !stopIds.length || last.stop_id === stopIds[stopIds.length - 1];
    return atLastStop ? "returning" : "arrived";
  }
  if (last.kind === "returning") return "back";
  return null;
}
