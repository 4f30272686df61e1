"""A person's own phone number and email address for alerts by SMS and email: a code sent to
each (``channels.verify``), entered here; and removing one, asked again first."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.channels import verify
from server.channels.forms import CodeForm, EmailCodeForm, PhoneCodeForm, RemoveContactForm
from server.channels.models import Channel, ContactCode
from server.forms import parsed
from server.i18n import gettext as _
from server.pages import flash, flashed
from server.settings import Settings
from server.templating import render


async def _page(
    request: Request,
    values: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
    removing: str = "",
) -> Response:
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    waiting = {c.channel: c.address for c in await ContactCode.filter(user_id=user.id)}
    context = {
        "me": user,
        "values": values or {"phone": user.verified_phone or user.phone, "email": user.email},
        "errors": errors or {},
        "flash": flash(request),
        "waiting": waiting,
        "sms_on": bool(settings.sms_url),
        "email_on": bool(settings.smtp_host),
        "removing": removing,  # the channel whose removal is asked about
    }
    return render(request, "contact.html", context, status_code=status)


@requires_role()
async def contact(request: Request) -> Response:
    return await _page(request)


async def _ask(request: Request, channel: Channel) -> Response:
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    raw = await request.form()
    if channel == Channel.SMS:
        phone, errors = parsed(PhoneCodeForm, raw)
        address = phone.phone if phone else None
    else:
        email, errors = parsed(EmailCodeForm, raw)
        address = email.email if email else None
    if address is None:
        return await _page(request, {k: str(v) for k, v in raw.items()}, errors, status=422)
    asked = await verify.send_code(
        user, channel, address, datetime.now(UTC), settings.default_locale
    )
    if asked == verify.Asked.TOO_MANY:
        said = _("Too many codes this hour. Try again later.")
    else:
        said = _("A code is on its way to %(address)s. Enter it below.") % {"address": address}
    return flashed(request, said, "contact")


@requires_role()
async def contact_phone(request: Request) -> Response:
    return await _ask(request, Channel.SMS)


@requires_role()
async def contact_email(request: Request) -> Response:
    return await _ask(request, Channel.EMAIL)


@requires_role()
async def contact_code(request: Request) -> Response:
    user = signed_in_user(request)
    raw = await request.form()
    form, errors = parsed(CodeForm, raw)
    if form is None:
        if "code" in errors:
            errors["code"] = _("Enter the 6 digits of the code.")
        return await _page(request, None, errors, status=422)
    checked = await verify.confirm(user, Channel(form.channel), form.code, datetime.now(UTC))
    if checked == verify.Checked.WRONG:
        return await _page(request, None, {"code": _("That code is not right.")}, status=422)
    if checked == verify.Checked.EXPIRED:
        said = _("That code has expired. Ask for a new one.")
        return await _page(request, None, {"code": said}, status=422)
    return flashed(request, _("Verified."), "contact")


@requires_role()
async def contact_remove(request: Request) -> Response:
    user = signed_in_user(request)
    form, errors = parsed(RemoveContactForm, await request.form())
    if form is None:
        return await _page(request, None, errors, status=422)
    if not form.confirm:
        return await _page(request, removing=form.channel)
    removed = await verify.forget(user, Channel(form.channel))
    if not removed:
        return flashed(request, _("Nothing to remove."), "contact")
    said = _("Removed %(address)s. Alerts no longer go to it.") % {"address": removed}
    return flashed(request, said, "contact")


routes = [
    Route("/account/contact", contact, name="contact"),
    Route("/account/contact/phone", contact_phone, methods=["POST"], name="contact_phone"),
    Route("/account/contact/email", contact_email, methods=["POST"], name="contact_email"),
    Route("/account/contact/code", contact_code, methods=["POST"], name="contact_code"),
    Route("/account/contact/remove", contact_remove, methods=["POST"], name="contact_remove"),
]
