"""The district's own clock: days and times are entered, filtered and shown in its time zone
(``MUSTER_TIMEZONE``), whatever the server's zone is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request


def zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


HM = "%H:%M"  # 06:12
DAY_HM = "%Y-%m-%d %H:%M"  # 2026-12-01 06:12
DAY_HM_ZONE = "%Y-%m-%d %H:%M %Z"  # 2026-12-01 06:12 PST


def shown(moment: datetime, tz: ZoneInfo, form: str = DAY_HM_ZONE) -> str:
    """A stored time as the district reads it, in ``form``. Never raises: a time at the
    calendar's edge (stored before times were checked) shows in UTC."""
    try:
        return moment.astimezone(tz).strftime(form)
    except (OverflowError, ValueError, AttributeError):
        return str(moment)


def clock(tz: ZoneInfo) -> Callable[[datetime], str]:
    """For templates: a stored time as the district reads it, "2026-12-01 06:12 PST"."""
    return lambda moment: shown(moment, tz)
