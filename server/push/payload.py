"""What a phone receives for an alert: a small JSON notification, in the person's language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.action_names import kind_name
from server.alerts.facts import Facts, summary
from server.alerts.kinds import kind_of
from server.alerts.models import Alert
from server.i18n import LANGUAGES, current_locale
from server.i18n import gettext as _

MAX_BODY = 600  # characters of a sender's message in the notification: far under 4 KB in all
# The whole body, facts included, in bytes: push services take 4,096 bytes of payload after
# encryption (about 100 bytes) and the rest of the notification is under 700.
BODY_BYTES = 2800


@contextmanager
def speaking(locale: str | None, default: str = "en") -> Iterator[None]:
    token = current_locale.set(locale if locale in LANGUAGES else default)
    try:
        yield
    finally:
        current_locale.reset(token)


def name(alert: Alert) -> str:
    """What kind of alert, in words (a message's own title), without the drill mark. A missing
    student's later alerts say what they are: the escalation is not the first alert again."""
    if alert.kind == "custom" and alert.title:
        return alert.title
    stage = alert.source.get("stage") if isinstance(alert.source, dict) else None
    student = alert.where.get("student") if isinstance(alert.where, dict) else ""
    if alert.kind == "lost-student" and stage == "countdown-ended":
        return _("Not found after %(n)s minutes: call the police now") % {
            "n": alert.source.get("minutes", "?")
        }
    if stage == "found":
        return _("Found: %(name)s") % {"name": student} if student else _("Student found")
    reference = alert.source.get("reference") if isinstance(alert.source, dict) else None
    if alert.kind == "team-callout" and isinstance(reference, str):
        return _("Crisis team call-out: %(reference)s") % {"reference": reference}
    return kind_name(alert.kind)


def _standard(alert: Alert) -> str:
    stage = alert.source.get("stage") if isinstance(alert.source, dict) else None
    if alert.kind == "lost-student" and stage == "countdown-ended":
        return _("Still missing. Make sure the police have been called (911), then keep looking.")
    if stage == "found":
        return _("The missing student is found and safe with staff. Stop searching.")
    return _(kind_of(alert.kind).what)


def title(alert: Alert) -> str:
    """The title every surface shows: a drill or a practice says so first, always."""
    if alert.practice:
        return _("PRACTICE: %(title)s") % {"title": name(alert)}
    return _("DRILL: %(title)s") % {"title": name(alert)} if alert.drill else name(alert)


def instructions(alert: Alert) -> str:
    """What its kind asks of people, in the reader's language; a drill says so first."""
    text = _standard(alert)
    if alert.drill:
        text = _("This is a drill.") + " " + text
    if alert.practice:
        text = _("This is practice. Nobody else was alerted.") + " " + text
    return text


def added_message(alert: Alert) -> str:
    """The sender's own words, marked as theirs. Always after the instructions, never instead:
    a message typed in English must not leave a Spanish reader with no instructions at all."""
    if not alert.message:
        return ""
    return _("Message: %(message)s") % {"message": alert.message[:MAX_BODY]}


def body(alert: Alert) -> str:
    return "\n".join(part for part in (instructions(alert), added_message(alert)) if part)


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8, on a character boundary."""
    return text.encode()[:limit].decode(errors="ignore")


def push_body(alert: Alert, facts: Facts | None, desk: bool) -> str:
    """What to do and the sender's message, then the facts (school, place, student, the caller's
    words, who raised it) as whole lines, all within BODY_BYTES. The safety team, told of a
    situation in the field, reads its facts first."""
    told = _fit(body(alert), BODY_BYTES)
    if facts is None:
        return told
    if desk and facts.situation:
        known = summary(facts, BODY_BYTES)
        return _fit(f"{known}\n{told}", BODY_BYTES) if known else told
    known = summary(facts, BODY_BYTES - len(told.encode()) - 1)
    return f"{told}\n{known}" if known else told


def notification(
    alert: Alert,
    user_id: int,
    locale: str | None,
    icons: dict[str, str],
    default: str = "en",
    facts: Facts | None = None,
    desk: bool = False,
) -> dict[str, Any]:
    """The notification one person gets. The safety team, told of a situation in the field, gets
    its facts and the live page; everyone else is asked whether they are safe."""
    info = kind_of(alert.kind)
    situation = desk and facts is not None and facts.situation
    with speaking(locale, default):
        return {
            "alert": str(alert.id),
            "user": user_id,
            "kind": alert.kind,
            "severity": alert.severity,
            "drill": alert.drill,
            "title": title(alert),
            "body": push_body(alert, facts, desk),
            "at": alert.raised_at.isoformat(),
            "icon": icons.get(info.icon, ""),
            "badge": icons.get("icons/icon-192.png", ""),
            "colour": info.colour,
            "vibrate": list(info.vibrate),
            "url": f"/admin/alerts/{alert.id}" if situation else f"/alerts/{alert.id}",
            "actions": []
            if situation
            else [
                {"action": "safe", "title": _("I'm safe")},
                {"action": "help", "title": _("Need help")},
            ],
        }


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
