"""The SMS gateway's inbound webhook: a reply "1" (safe) or "2" (need help) to an alert's SMS.
No sign-in and no CSRF token: the gateway's signature stands for both (``channels.inbound``)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.alerts.models import Response as Answer
from server.auth import public
from server.channels import inbound
from server.i18n import gettext as _
from server.push.payload import speaking
from server.settings import Settings

MAX_BYTES = 16_000
PATH = "/api/sms/inbound"


def _reply(text: str = "") -> Response:
    """The gateway's answer: TwiML, with a message back to the person when there is one."""
    inner = f"<Message>{escape(text)}</Message>" if text else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return Response(body, media_type="text/xml")


@public
async def sms_inbound(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.sms_url:
        return Response(status_code=404)
    if int(request.headers.get("content-length") or 0) > MAX_BYTES:
        return Response(status_code=413)
    async with request.form(max_files=0, max_fields=50) as form:
        fields = {name: str(value) for name, value in form.items()}
    url = f"{settings.public_url}{PATH}" if settings.public_url else str(request.url)
    given = request.headers.get("x-twilio-signature", "")
    if not inbound.signed_rightly(settings.sms_token, url, fields, given):
        return Response(status_code=403)
    done = await inbound.answer(fields.get("From", ""), fields.get("Body", ""), datetime.now(UTC))
    if done is None:
        return _reply()
    with speaking(done.user.locale, settings.default_locale):
        if done.response is None:
            return _reply(_("Reply 1 if you are safe, 2 if you need help."))
        if done.alert is None:
            return _reply(_("There is no alert to answer now."))
        if done.response == Answer.HELP:
            return _reply(_("Recorded: you need help. The safety team sees it now."))
        return _reply(_("Recorded: you are safe."))


routes = [Route(PATH, sms_inbound, methods=["POST"], name="sms_inbound")]
