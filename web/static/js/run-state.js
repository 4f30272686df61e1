// A checklist run, rebuilt from its events. No DOM and no storage: the same events always give the
// same state, so a reload (or another tab) shows exactly what was recorded.

/** Fold the events of one run (oldest first) into its state. */
export function foldRun(events) {
  const run = { id: null, checklist: null, version: null, context: {}, startedAt: null,
                touchedAt: null, answers: new Map(), completed: null, discarded: null,
                practice: false };
  for (const event of events) {
    const p = event.payload;
    if (!run.touchedAt || event.occurred_at > run.touchedAt) run.touchedAt = event.occurred_at;
    if (event.type === "checklist.started") {
      Object.assign(run, { id: p.run_id, checklist: p.checklist_id, version: p.version,
                           context: p.context || {}, startedAt: event.occurred_at,
                           practice: Boolean(p.practice) });
    } else if (event.type === "checklist.answered") {
      run.answers.set(p.item_id, { value: p.value, at: event.occurred_at });
    } else if (event.type === "checklist.completed") {
      run.completed = { at: event.occurred_at, skipped: p.skipped || [] };
    } else if (event.type === "checklist.discarded") {
      run.discarded = { at: event.occurred_at };
    }
  }
  return run;
}

/** Group journal events by run id and return the runs of one checklist, newest first. */
export function runsOf(events, checklistId) {
  const byRun = new Map();
  for (const event of events) {
    const runId = event.payload && event.payload.run_id;
    if (!runId || !event.type.startsWith("checklist.")) continue;
    if (!byRun.has(runId)) byRun.set(runId, []);
    byRun.get(runId).push(event);
  }
  return [...byRun.values()]
    .map((list) => foldRun(list.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at))))
    .filter((run) => run.checklist === checklistId)
    .sort((a, b) => (b.startedAt || "").localeCompare(a.startedAt || ""));
}

/** An unfinished run nobody has touched for ``minutes``: offered back, never resumed silently. */
export function isStale(run, minutes, now) {
  return now - Date.parse(run.touchedAt || run.startedAt) > minutes * 60000;
}

/** How many steps a one-step-a-screen run has, counted along the longest way still open: an item
 *  waiting on an unanswered question counts in its largest branch, so the total only ever goes
 *  down as answers close branches (never "Step 1 of 9" then "Step 8 of 15"). */
export function stepTotal(items, answers) {
  let total = 0;
  const branches = new Map(); // question id -> Map(answer -> items shown by it)
  for (const item of items) {
    const rule = item.rule;
    const open = rule && !rule.unanswered && !isAnswered(answers.get(rule.item))
      && answers.get(rule.item)?.value !== false;
    if (!open) { if (isShown(rule, answers)) total += 1; continue; }
    const key = rule.includes !== undefined ? `+${rule.includes}` : JSON.stringify(rule.equals);
    if (!branches.has(rule.item)) branches.set(rule.item, new Map());
    const counts = branches.get(rule.item);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  for (const counts of branches.values()) {
    let exclusive = 0;
    for (const [key, n] of counts) {
      if (key.startsWith("+")) total += n; // several chips can be chosen: each may add its items
      else exclusive = Math.max(exclusive, n);
    }
    total += exclusive;
  }
  return total;
}

/** Is an item shown, given the answers so far? ``rule`` is {item, equals} or {item, includes},
 *  with ``unanswered: true`` when it also shows before that item is answered. */
export function isShown(rule, answers) {
  if (!rule) return true;
  const answer = answers.get(rule.item);
  if (!answer || answer.value === null) return Boolean(rule.unanswered);
  if (rule.includes !== undefined) return Array.isArray(answer.value) && answer.value.includes(rule.includes);
  return answer.value === rule.equals;
}

/** An answer that counts as given (an unticked check or an empty text does not). */
export function isAnswered(answer) {
  if (!answer) return false;
  const v = answer.value;
  if (v === false) return true; // "No" is an answer
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== undefined && v !== "";
}

/** Critical items that are shown and unanswered. ``items``: [{id, critical, rule}]. */
export function missingCritical(items, answers) {
  return items.filter((item) => item.critical && isShown(item.rule, answers) && !isAnswered(answers.get(item.id)));
}

/** Seconds as m:ss, or h:mm:ss past an hour. */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
