"""An incident for a handoff (police, the board): the print view and the CSV of its timeline,
oldest first, each entry with when (the district's clock), what kind, who, what and where.

The timeline comes from ``queries.timeline``, whatever kinds of entry it gathers: a row is read
from an ``Entry`` generically (its own ``who``/``text``/``place`` if it has them, else the person
and words on its record), so a kind added to the timeline prints and exports without a change
here; the kinds below only get better words."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.models import Model

from server.alerts.facts import Facts, gather_many
from server.alerts.models import Alert
from server.district_time import shown
from server.i18n import N_
from server.i18n import gettext as _
from server.incidents import queries
from server.incidents.models import KIND_LABELS, STATUS_LABELS, Incident
from server.labels import CHECKIN_LABELS, REPORT_KIND_LABELS
from server.listing import EXPORT_MAX
from server.models import School, User
from server.push.payload import name as alert_heading

MOST = EXPORT_MAX  # entries a handoff holds, oldest first; past it the page says so

ENTRY_LABELS = {  # what each kind of entry is called; a kind not here shows as its name
    "log": N_("Log entry"),
    "alert": N_("Alert"),
    "answer": N_("Answer"),
    "report": N_("Suspicious report"),
    "missing": N_("Student missing"),
    "found": N_("Student found"),
    "checkin": N_("Trip check-in"),
    "headcount": N_("Headcount"),
    "step": N_("Checklist step"),
}
# Where a record keeps its person and its words, in the order they are looked for.
WHO_FIELDS = ("author", "user", "raised_by", "by", "person", "reported_by", "recorded_by")
TEXT_FIELDS = ("text", "summary", "title", "note", "notes", "activity", "description", "name")
PLACE_FIELDS = ("place", "place_name", "where")


@dataclass(frozen=True)
class Row:
    at: datetime
    kind: str  # the timeline's own name for the kind of entry ("log", "alert", ...)
    label: str  # that kind in words, translated
    who: str
    what: str
    where: str


def _fetched(record: Any, name: str) -> Any:
    """A relation of ``record`` only if it was fetched (never a query from a template)."""
    if isinstance(record, Model):
        return record.__dict__.get(f"_{name}")
    return getattr(record, name, None)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _person(record: Any) -> str:
    """The person on ``record``: under a name people usually go by, or any other fetched."""
    for name in WHO_FIELDS:
        person = _fetched(record, name)
        if isinstance(person, User):
            return person.name
    if isinstance(record, Model):
        for name in sorted(record._meta.fk_fields):
            if isinstance(person := _fetched(record, name), User):
                return person.name
    return ""


def _who(entry: Any) -> str:
    if own := _text(getattr(entry, "who", None)):
        return own
    if entry.kind == "found" and (alert := getattr(entry, "alert", None)) is not None:
        return _person(alert)  # who said the student was found
    if entry.kind == "step" and (run := getattr(entry, "run", None)) is not None:
        return _person(run)  # who ran the checklist
    return _person(entry.record)


def _alert_words(alert: Alert) -> str:
    words = [alert_heading(alert)]
    if alert.drill:
        words.append(_("Drill"))
    if alert.cancelled_at:
        words.append(_("Undone: not sent."))
    return " · ".join(words)


def _student(record: Any) -> str:
    student = _fetched(record, "student")
    return getattr(student, "name", "") or _("A student")


def _joined(*parts: Any) -> str:
    return " · ".join(text for part in parts if (text := _text(part)))


def _label(labels: dict[str, str], value: Any) -> str:
    key = getattr(value, "value", value)
    return _(labels[key]) if isinstance(key, str) and key in labels else _text(key)


def _said(entry: Any) -> str:
    """The words of the kinds of entry this module knows; "" for any other kind."""
    record, kind = entry.record, entry.kind
    if kind == "alert" and isinstance(record, Alert):
        return _alert_words(record)
    if kind == "answer" and isinstance(getattr(entry, "alert", None), Alert):
        answer = _("Need help") if getattr(record, "response", "") == "help" else _("Safe")
        return f"{answer} · {alert_heading(entry.alert)}"
    if kind == "report":
        what = _label(REPORT_KIND_LABELS, getattr(record, "kind", ""))
        return _joined(what, getattr(record, "activity", ""))
    if kind == "missing":
        return _joined(_student(record), getattr(record, "description", ""))
    if kind == "found":
        return _student(record)
    if kind == "checkin":
        return _label(CHECKIN_LABELS, getattr(record, "kind", ""))
    if kind == "headcount":
        counted, expected = getattr(record, "counted", None), getattr(record, "expected", None)
        if isinstance(counted, int) and isinstance(expected, int):
            return _("%(counted)s counted of %(expected)s") % {
                "counted": counted,
                "expected": expected,
            }
    if kind == "step":
        return _joined(
            getattr(entry, "title", ""), getattr(entry, "step", ""), getattr(entry, "answer", "")
        )
    return ""


def _what(entry: Any) -> str:
    if said := _said(entry):
        return said
    for name in ("text", "summary"):  # the entry's own words first
        if own := _text(getattr(entry, name, None)):
            return own
    for name in TEXT_FIELDS:
        if own := _text(getattr(entry.record, name, None)):
            return own
    return ""


def _where(entry: Any) -> str:
    for source in (entry, entry.record):
        for name in PLACE_FIELDS:
            if own := _text(getattr(source, name, None)):
                return own
    return ""


def row(entry: Any) -> Row:
    label = ENTRY_LABELS.get(entry.kind)
    return Row(
        at=entry.at,
        kind=entry.kind,
        label=_(label) if label else entry.kind.replace("_", " ").replace("-", " ").capitalize(),
        who=_who(entry),
        what=_what(entry),
        where=_where(entry),
    )


def _with_facts(found: Row, facts: Facts) -> Row:
    """An alert's row with what the alert says: its message, the caller's words, the student;
    and where: its schools and its place ("280 m N of Lincoln Elementary", where last seen)."""
    alert = facts.alert
    said = [alert.message.strip()] if alert.message.strip() else []
    if facts.student is not None:
        said.append(_("Student: %(name)s") % {"name": facts.student.name})
    if facts.words:
        said.append(_("Caller: “%(words)s”") % {"words": facts.words})
    place = ", ".join(x for x in (facts.place_words(), facts.last_seen) if x)
    where = ": ".join(x for x in (", ".join(facts.schools), place) if x)
    return replace(found, what=" · ".join([found.what, *said]), where=where or found.where)


async def rows(incident: Incident, words: queries.Words = queries.PLAIN) -> tuple[list[Row], bool]:
    """Every entry of the timeline, oldest first, and whether there were more than ``MOST``.
    Alerts say all their facts (read for all of them at once); checklist steps in ``words``."""
    entries = list(reversed(await queries.timeline(incident, limit=MOST, words=words)))
    found = [row(e) for e in entries]
    alerts = [e.record for e in entries if e.kind == "alert" and isinstance(e.record, Alert)]
    if alerts:
        facts = await gather_many(alerts)
        for n, entry in enumerate(entries):
            if entry.kind == "alert" and (known := facts.get(entry.record.id)) is not None:
                found[n] = _with_facts(found[n], known)
    return found, len(entries) >= MOST


async def print_view(incident: Incident, rows_: list[Row], more: bool) -> dict[str, Any]:
    """The print page: the incident, its schools and command roles, and its timeline."""
    schools = await School.filter(incident_links__incident_id=incident.id).order_by("name")
    opened_by = await User.get_or_none(id=incident.opened_by_id) if incident.opened_by_id else None
    return {
        "incident": incident,
        "kind_label": KIND_LABELS[incident.kind],
        "status_label": STATUS_LABELS[incident.status],
        "schools": schools,
        "opened_by": opened_by,
        "roles": await queries.roles(incident, sorted(s.id for s in schools)),
        "rows": rows_,
        "more": more,
        "most": MOST,
    }


CSV_HEADER = ["incident", "time", "kind", "who", "what", "where"]


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    try:
        return moment.astimezone(tz).isoformat(timespec="seconds")
    except (OverflowError, ValueError):  # a time at the calendar's edge: as stored
        return shown(moment, tz)


def csv_table(incident: Incident, rows_: list[Row], tz: ZoneInfo) -> list[list[Any]]:
    """One line an entry, oldest first; the time on the district's clock with its offset."""
    return [[incident.reference, _iso(r.at, tz), r.label, r.who, r.what, r.where] for r in rows_]


def csv_name(incident: Incident) -> str:
    return f"{incident.reference}-timeline.csv"
