"""What an SMS and an email say for an alert, in the person's language: the same title (a DRILL
says so first), the same instructions as the push notification, and the alert page's link."""

from __future__ import annotations

from email.message import EmailMessage

from server.alerts.models import Alert
from server.i18n import gettext as _
from server.push.payload import added_message, instructions, speaking, title

# GSM 03.38's basic set: an SMS in it fits 160 characters; anything else (é, ñ, ¿) makes it
# UCS-2, 70 characters.
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def segment_limit(text: str) -> int:
    return 160 if set(text) <= GSM else 70


def link(public_url: str, alert: Alert) -> str:
    return f"{public_url}/alerts/{alert.id}" if public_url else ""


def sms(alert: Alert, locale: str | None, public_url: str, default: str = "en") -> str:
    """One segment where it can: the title, how to answer and the link always; the instructions
    when they fit too. Past one segment only when those three alone don't fit."""
    with speaking(locale, default):
        head = title(alert)
        answer = _("Reply 1 safe, 2 need help.")
        url = link(public_url, alert)
        must = " ".join(part for part in (head + ".", answer, url) if part)
        full = " ".join(part for part in (head + ".", instructions(alert), answer, url) if part)
    return full if len(full) <= segment_limit(full) else must


def email(
    alert: Alert, locale: str | None, public_url: str, sender: str, to: str, default: str = "en"
) -> EmailMessage:
    with speaking(locale, default):
        message = EmailMessage()
        message["Subject"] = title(alert)
        message["From"] = sender
        message["To"] = to
        lines = [title(alert), "", instructions(alert)]
        extra = added_message(alert)
        if extra:
            lines += ["", extra]
        url = link(public_url, alert)
        if url:
            lines += ["", _("Answer on the alert's page: %(url)s") % {"url": url}]
        lines += ["", _("Sent by Muster, your district's safety alerts.")]
        message.set_content("\n".join(lines))
    return message


def code_email(
    text: str, sender: str, to: str, locale: str | None, default: str = "en"
) -> EmailMessage:
    with speaking(locale, default):
        message = EmailMessage()
        message["Subject"] = _("Your Muster code")
        message["From"] = sender
        message["To"] = to
        message.set_content(text)
    return message
