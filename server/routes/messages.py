"""The district's settings for alerts by SMS and email (admins), with today's SMS use."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.channels.forms import ChannelSettingsForm
from server.channels.queries import cap_warning, sms_today
from server.channels.service import set_settings
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Organisation, Role
from server.pages import flash, flashed
from server.templating import render


@requires_role(Role.ADMIN)
async def channel_settings(request: Request) -> Response:
    admin = signed_in_user(request)
    organisation = await Organisation.get(id=admin.organisation_id)
    values: dict = {
        "sms_to_all": organisation.sms_to_all,
        "sms_daily_cap": organisation.sms_daily_cap,
        "escalate_minutes": max(1, organisation.escalate_seconds // 60),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(ChannelSettingsForm, raw)
        if form is not None:
            await set_settings(
                admin,
                organisation,
                form.sms_to_all,
                form.sms_daily_cap,
                form.escalate_minutes * 60,
            )
            return flashed(request, _("Saved."), "channel_settings")
        values = {name: raw.get(name, "") for name in values}
    used, cap = await sms_today(organisation.id, zone(request))
    context = {
        "values": values,
        "errors": errors,
        "flash": flash(request),
        "used": used,
        "cap": cap,
        "warning": await cap_warning(organisation.id, zone(request)),
    }
    return render(request, "admin/messages.html", context, status_code=422 if errors else 200)


routes = [
    Route("/admin/messages", channel_settings, methods=["GET", "POST"], name="channel_settings")
]
