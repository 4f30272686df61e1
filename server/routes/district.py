"""The district's settings for alerts from the field: who may call the five actions and who may
open the threatening-call script. Admins and the safety team may always do both; leaving every
box ticked is the default, what standard response protocols ask for."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.alerts.rules import CHOOSABLE, allowed_roles
from server.alerts.service import set_field_roles
from server.auth import requires_role, signed_in_user
from server.forms import DistrictForm, parsed
from server.i18n import gettext as _
from server.models import Organisation, Role
from server.pages import flash, flashed
from server.templating import render


async def _page(request: Request, values: dict, errors: dict, status: int = 200) -> Response:
    context = {"values": values, "errors": errors, "choosable": CHOOSABLE}
    return render(request, "admin/district.html", context, status_code=status)


@requires_role(Role.ADMIN)
async def district_settings(request: Request) -> Response:
    admin = signed_in_user(request)
    organisation = await Organisation.get(id=admin.organisation_id)
    if request.method == "GET":
        values = {
            name: allowed_roles(organisation, name)
            for name in ("action_roles", "call_script_roles")
        }
        return await _page(request, {**values, "flash": flash(request)}, {})
    raw = await request.form()
    form, errors = parsed(DistrictForm, raw)
    if form is None:
        values = {
            name: [str(v) for v in raw.getlist(name)]
            for name in ("action_roles", "call_script_roles")
        }
        return await _page(request, values, errors, status=422)
    await set_field_roles(admin, organisation, form.action_roles, form.call_script_roles)
    return flashed(request, _("Saved."), "district_settings")


routes = [
    Route("/admin/district", district_settings, methods=["GET", "POST"], name="district_settings")
]
