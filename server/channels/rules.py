"""Who gets what beyond push, as pure rules (issue 21)."""

from __future__ import annotations

from server.alerts.kinds import Severity
from server.alerts.models import Alert

CAP_WARNING = 0.8  # admins are warned once this share of the day's SMS is used


def may_sms(alert: Alert) -> bool:
    """Information never goes by SMS; a drill only when it asks to; practice reaches nobody."""
    if alert.practice or alert.severity == Severity.INFO.value:
        return False
    return not alert.drill or alert.drill_sms


def is_emergency(alert: Alert) -> bool:
    """Emergencies go by SMS at once to people with no working push, and escalate."""
    return alert.severity == Severity.EMERGENCY.value and not alert.practice


def sms_left(cap: int, used: int) -> int:
    return max(0, cap - used)


def near_cap(cap: int, used: int) -> bool:
    return cap > 0 and used >= cap * CAP_WARNING
