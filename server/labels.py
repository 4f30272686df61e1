"""Names people read for our enums, marked for translation."""

from __future__ import annotations

from server.i18n import N_

ROLE_LABELS = {
    "admin": N_("Admin"),
    "safety": N_("Safety team"),
    "staff": N_("Teacher / staff"),
    "driver": N_("Bus driver"),
    "office": N_("Front office"),
}

KIND_LABELS = {
    "campus": N_("Campus"),
    "depot": N_("Bus depot"),
    "venue": N_("Venue"),
}

CONTEXT_LABELS = {
    "bus_number": N_("Bus number"),
    "route": N_("Route"),
    "trip": N_("Trip"),
}

EVENT_LABELS = {
    "note.recorded": N_("Note"),
    "checklist.started": N_("Checklist started"),
    "checklist.answered": N_("Checklist answer"),
    "checklist.completed": N_("Checklist finished"),
    "alert.raised": N_("Alert"),
    "report.filed": N_("Suspicious report"),
}

ALERT_LABELS = {
    "silent": N_("Silent alert"),
    "medical": N_("Medical emergency"),
    "lost-student": N_("Missing student"),
    "suspicious-report": N_("Suspicious report near a school"),
}

REPORT_KIND_LABELS = {
    "person": N_("A person"),
    "vehicle": N_("A vehicle"),
    "both": N_("A person with a vehicle"),
    "item": N_("An item left behind"),
    "behaviour": N_("Something someone did"),
}
