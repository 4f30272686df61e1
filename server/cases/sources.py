"""What "Start a threat assessment" carries over from where it began: a concern's words, a
suspicious-person report's description, an incident's reference. Each source is read through
its own area's rule (a concern or a tip only by those who may read them, the look audited
there); what a person may not read is not carried over, and they type it."""

from __future__ import annotations

import uuid
from typing import Any

from server import audit
from server.cases.models import SourceKind
from server.concerns import service as concerns
from server.concerns.models import HOW_KNOWN_LABELS
from server.district_time import shown
from server.i18n import gettext as _
from server.incidents.models import MANAGERS, Incident, IncidentSchool
from server.models import Role, User
from server.reports.models import Report
from server.tenancy import MAX_ID, scoped
from server.tips import service as tips
from server.tips.models import REPORTER_LABELS

REPORT_READERS = (Role.ADMIN, Role.SAFETY)  # as the report pages (server/routes/reports.py)


async def draft(user: User, kind: SourceKind, raw_id: str, zone: Any) -> dict[str, Any]:
    """The intake form's values from the source, empty when there is none to read."""
    if kind == SourceKind.CONCERN:
        concern = await concerns.read(user, raw_id)
        if concern is None:
            return {}
        how = _(HOW_KNOWN_LABELS[concern.how_known])
        sources = _("Concern raised by %(name)s on %(when)s (%(how)s). Where: %(place)s.") % {
            "name": concern.raised_by.name,
            "when": shown(concern.raised_at, zone),
            "how": how,
            "place": concern.place,
        }
        if concern.witnesses:
            sources += "\n" + _("Others who saw or heard: %(who)s") % {"who": concern.witnesses}
        return {
            "school": concern.school_id,
            "summary": concern.what,
            "exact_words": concern.exact_words,
            "sources": sources,
            "source_id": str(concern.id),
        }
    if kind == SourceKind.TIP:
        tip = await tips.read(user, raw_id)
        if tip is None:
            return {}
        sources = _("Anonymous tip received %(when)s (%(who)s).") % {
            "when": shown(tip.received_at, zone),
            "who": _(REPORTER_LABELS[tip.reporter]),
        }
        for label, value in ((_("Where"), tip.place), (_("When"), tip.happened)):
            if value:
                sources += f"\n{label}: {value}"
        if tip.others_know:
            sources += "\n" + _("Others who know: %(who)s") % {"who": tip.others_know}
        return {
            "school": tip.school_id,
            "subject": tip.involved[:200],
            "summary": tip.what,
            "exact_words": tip.exact_words,
            "sources": sources,
            "source_id": str(tip.id),
        }
    if kind == SourceKind.REPORT and user.has_role(*REPORT_READERS):
        report = await _report(user, raw_id)
        if report is None:
            return {}
        await audit.record(user, "report.viewed", report)
        described = "; ".join(f"{k}: {v}" for k, v in report.person.items() if v)
        summary = "\n".join(part for part in (report.activity, report.concern) if part)
        return {
            "school": report.school_id,
            "subject": described[:200],
            "summary": summary,
            "sources": _("Suspicious-person report by %(name)s, seen %(when)s.")
            % {"name": report.reported_by.name, "when": shown(report.seen_at, zone)},
            "source_id": str(report.id),
        }
    if kind == SourceKind.INCIDENT and user.has_role(*MANAGERS) and _an_id(raw_id):
        incident = await scoped(Incident, user).get_or_none(id=int(raw_id))
        if incident is None:
            return {}
        link = await IncidentSchool.filter(incident_id=incident.id).order_by("id").first()
        return {
            "school": link.school_id if link else None,
            "summary": incident.title,
            "sources": _("From incident %(reference)s, opened %(when)s.")
            % {"reference": incident.reference, "when": shown(incident.opened_at, zone)},
            "source_id": str(incident.id),
        }
    return {}


def _an_id(raw: str) -> bool:
    return raw.isdecimal() and 0 < int(raw) <= MAX_ID


async def _report(user: User, raw_id: str) -> Report | None:
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    return await scoped(Report, user).get_or_none(id=key).prefetch_related("reported_by")
