"""Names people read for our enums, marked for translation."""

from __future__ import annotations

from server.alerts.kinds import KINDS
from server.i18n import N_

ROLE_LABELS = {
    "admin": N_("Admin"),
    "safety": N_("Safety team"),
    "staff": N_("Teacher / staff"),
    "driver": N_("Bus driver"),
    "office": N_("Front office"),
    "dispatch": N_("Transport dispatch"),
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
    "incident": N_("Incident"),
    "student": N_("Student"),
    "last_seen": N_("Last seen"),
    "minutes_missing": N_("Minutes missing"),
}

EVENT_LABELS = {
    "note.recorded": N_("Note"),
    "checklist.started": N_("Checklist started"),
    "checklist.answered": N_("Checklist answer"),
    "checklist.completed": N_("Checklist finished"),
    "checklist.discarded": N_("Checklist discarded"),
    "alert.raised": N_("Alert"),
    "report.filed": N_("Suspicious report"),
    "concern.raised": N_("Concern about someone"),
    "training.session_recorded": N_("Training session"),
    "training.feedback_given": N_("Feedback on a practice delivery"),
    "trip.headcount": N_("Headcount"),
    "trip.checkin": N_("Trip check-in"),
    "trip.student_lost": N_("Missing student"),
    "trip.student_found": N_("Student found"),
    "risk.thunder_heard": N_("Thunder heard"),
    "alert.acknowledged": N_("Answer to an alert"),
    "alert.undone": N_("Alert undone"),
}

# Each alert kind's title (its icon, colour and vibration are in server.alerts.kinds.KINDS).
ALERT_LABELS = {key: kind.title for key, kind in KINDS.items()}

SEVERITY_LABELS = {
    "emergency": N_("Emergency: act now"),
    "warning": N_("Warning: act soon"),
    "info": N_("Information"),
}

REPORT_KIND_LABELS = {
    "person": N_("A person"),
    "vehicle": N_("A vehicle"),
    "both": N_("A person with a vehicle"),
    "item": N_("An item left behind"),
    "behaviour": N_("Something someone did"),
}

REPORT_STATUS_LABELS = {
    "new": N_("New"),
    "reviewing": N_("Reviewing"),
    "closed": N_("Closed"),
}

CHECKIN_LABELS = {
    "departed": N_("Departed"),
    "arrived": N_("Arrived at stop"),
    "returning": N_("Returning"),
    "back": N_("Back at school"),
}

TRIP_STATUS_LABELS = {
    "planned": N_("Not left yet"),
    "on-time": N_("On time"),
    "overdue": N_("Overdue"),
    "lost": N_("Student missing"),
    "back": N_("Back at school"),
}

PLAN_STATUS_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "returned": N_("Sent back"),
}

EVENT_KIND_LABELS = {
    "trip": N_("Field trip"),
    "game": N_("Game"),
    "dance": N_("Dance"),
    "graduation": N_("Graduation"),
    "other": N_("Other event"),
}

# Whom a lesson is for (server/lessons/schema.py Audience), as a trainer picks them.
AUDIENCE_LABELS = {
    "teachers": N_("Teachers"),
    "administrators": N_("Administrators"),
    "bus-drivers": N_("Bus drivers"),
    "escorts": N_("Bus escorts"),
    "custodians": N_("Custodians"),
    "mealtime-assistants": N_("Mealtime assistants"),
    "support-staff": N_("Other support staff"),
    "parents": N_("Parents"),
    "students": N_("Students"),
}
