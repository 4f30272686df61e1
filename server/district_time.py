"""The district's own clock: days and times are entered, filtered and shown in its time zone
(``MUSTER_TIMEZONE``), whatever the server's zone is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request


def zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


def clock(tz: ZoneInfo) -> Callable[[datetime], str]:
    """For templates: a stored time as the district reads it, "2026-12-01 06:12 PST". Never
    raises: a time at the calendar's edge (stored before times were checked) shows in UTC."""

    def show(moment: datetime) -> str:
        try:
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        except (OverflowError, ValueError, AttributeError):
            return str(moment)

    return show
