"""The one catalogue of alert kinds: each kind's title, what it asks of people, colour, icon,
vibration and severity. Every surface draws on it (the page's CSS and the icons are drawn from
the colours by web/draw_icons.py; a test holds them to it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.i18n import N_


class Severity(StrEnum):
    EMERGENCY = "emergency"  # act now: push Urgency high, kept by the push service 4 hours
    WARNING = "warning"  # act soon: Urgency high, kept 12 hours
    INFO = "info"  # for your information: Urgency normal, kept a day


# Push headers by severity: (Urgency, TTL in seconds).
PUSH_HEADERS = {
    Severity.EMERGENCY: ("high", 4 * 3600),
    Severity.WARNING: ("high", 12 * 3600),
    Severity.INFO: ("normal", 24 * 3600),
}


@dataclass(frozen=True)
class AlertKind:
    key: str
    title: str  # marked with N_, translated where shown
    what: str  # what it asks of people, in our own words
    # The kind's colour everywhere: the page's CSS and the icons are drawn from it by
    # web/draw_icons.py (white text on it keeps 4.5:1 contrast); a test holds them to it.
    colour: str
    icon: str  # static file
    vibrate: tuple[int, ...]  # ms on, off, on...: a pattern a person learns to feel apart
    severity: Severity
    composable: bool = True  # offered in the composer (the rest come from the field)


_LONG = (600, 200, 600, 200, 600)
KINDS: dict[str, AlertKind] = {
    k.key: k
    for k in [
        AlertKind(
            "hold",
            N_("Hold"),
            N_("Stay in your room or area. Keep teaching; no one moves in the halls."),
            "#6a3d9a",
            "icons/alert-hold.png",
            (300, 150, 300),
            Severity.WARNING,
        ),
        AlertKind(
            "secure",
            N_("Secure"),
            N_("Get everyone inside and lock the outside doors. Inside, carry on as normal."),
            "#1f5fbf",
            "icons/alert-secure.png",
            (300, 150, 300, 150, 300),
            Severity.WARNING,
        ),
        AlertKind(
            "lockdown",
            N_("Lockdown"),
            N_("Lock the door, lights off, everyone out of sight and silent. Open for no one."),
            "#b3001b",
            "icons/alert-lockdown.png",
            _LONG,
            Severity.EMERGENCY,
        ),
        AlertKind(
            "evacuate",
            N_("Evacuate"),
            N_("Leave the building now for the meeting place you are told. Bring your roster."),
            "#a84300",
            "icons/alert-evacuate.png",
            (1000, 300, 1000),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "shelter",
            N_("Shelter"),
            N_(
                "Take cover from the hazard you are told "
                "(tornado or storm, polluted air or chemicals, earthquake)."
            ),
            "#00695c",
            "icons/alert-shelter.png",
            (200, 100, 200, 100, 800),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "all-clear",
            N_("All clear"),
            N_("The event is over. Go back to normal and follow any further directions."),
            "#2e7d32",
            "icons/alert-all-clear.png",
            (150,),
            Severity.INFO,
        ),
        AlertKind(
            "medical",
            N_("Medical emergency"),
            N_("Someone needs urgent medical help. Trained staff, go or call."),
            "#ad1457",
            "icons/alert-medical.png",
            (400, 100, 400, 100, 400),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "panic",
            N_("Emergency: help needed"),
            N_("Someone needs help where they are now. Go or send help, and call them."),
            "#880e4f",
            "icons/alert-panic.png",
            (900, 150, 900, 150, 900),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "bus-child",
            N_("Child found on a bus"),
            N_("A driver found a child on the bus after the route. Call the driver and send help."),
            "#4a148c",
            "icons/alert-bus-child.png",
            (500, 150, 500, 150, 150),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "bus-item",
            N_("Suspicious item on a bus"),
            N_("A driver found an item that doesn't belong on the bus. Keep everyone away."),
            "#3e2723",
            "icons/alert-bus-item.png",
            (250, 100, 250, 100, 700),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "silent",
            N_("Silent alert"),
            N_("Someone is in danger and can't speak freely. Act without alerting them."),
            "#212121",
            "icons/alert-silent.png",
            (100, 100, 100, 100, 100, 100, 100),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "suspicious-report",
            N_("Suspicious report near a school"),
            N_("Someone reported a suspicious person or vehicle near a campus."),
            "#7a5200",
            "icons/alert-suspicious-report.png",
            (250, 250, 250),
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "trip-overdue",
            N_("Trip overdue"),
            N_("A field trip has not checked in on time."),
            "#6d4c41",
            "icons/alert-trip-overdue.png",
            (500, 500, 500),
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "lost-student",
            N_("Missing student"),
            N_("A student is missing. Look around you and report what you know."),
            "#b00020",
            "icons/alert-lost-student.png",
            (800, 200, 800, 200, 800),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "team-callout",
            N_("Crisis team call-out"),
            N_("The crisis team is called out for an incident. Answer now, then join the team."),
            "#283593",
            "icons/alert-team-callout.png",
            (200, 100, 200, 100, 200, 400, 600),
            # Not an emergency: an incident's active phase ends once none of its emergency
            # alerts is still going, and a call-out is never ended by an all clear.
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "threat-concern",
            N_("Threat concern: someone may be in danger now"),
            N_(
                "A member of staff is worried about someone and says a person may be in danger "
                "now. Call them, and act with the threat assessment team."
            ),
            "#5b2a86",
            "icons/alert-threat-concern.png",
            (700, 200, 200, 200, 700),
            # A warning, like a call-out: it calls a team, it doesn't open an incident (the
            # sender is told to call 911 for the danger itself).
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "threat-tip",
            N_("Urgent tip: someone could be hurt today"),
            N_(
                "An anonymous tip says someone could be hurt today. Read it now in Muster "
                "and act with the threat assessment team."
            ),
            "#3f2a56",  # a concern's hue, darker: its own colour
            "icons/alert-threat-tip.png",
            (700, 200, 200, 200, 200, 200, 700),
            # A warning, like a concern's: it calls a team; the tipster is told to call 911.
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "custom",
            N_("Message"),
            N_("A message from the safety team."),
            "#455a64",
            "icons/alert-custom.png",
            (200,),
            Severity.INFO,
        ),
    ]
}


def kind_of(key: str) -> AlertKind:
    return KINDS.get(key, KINDS["custom"])
