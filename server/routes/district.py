"""The district's settings for alerts from the field: who may call the five actions and who may
open the threatening-call script. Admins and the safety team may always do both; leaving every
box ticked is the default, what standard response protocols ask for."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import audit
from server.alerts.rules import LEADS, allowed_roles
from server.auth import requires_role, signed_in_user
from server.forms import DistrictForm, from_form, messages
from server.i18n import gettext as _
from server.models import Organisation, Role
from server.templating import render

# The roles a district may tick; the leads are always in.
CHOOSABLE = [role for role in Role if role.value not in LEADS]


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
        return await _page(request, {**values, "flash": request.session.pop("flash", None)}, {})
    raw = await request.form()
    try:
        form = from_form(DistrictForm, raw)
    except ValidationError as error:
        values = {name: raw.getlist(name) for name in ("action_roles", "call_script_roles")}
        return await _page(request, values, messages(error), status=422)
    # Every role ticked is stored as "every role", so a role added later is in by default too.
    every = {role.value for role in CHOOSABLE}
    for name in ("action_roles", "call_script_roles"):
        chosen = {role.value for role in getattr(form, name)}
        setattr(organisation, name, None if chosen >= every else sorted(chosen))
    await organisation.save(update_fields=["action_roles", "call_script_roles"])
    await audit.record(
        admin,
        "district.settings",
        organisation,
        action_roles=organisation.action_roles,
        call_script_roles=organisation.call_script_roles,
    )
    request.session["flash"] = _("Saved.")
    return RedirectResponse(request.url_for("district_settings"), status_code=303)


routes = [
    Route("/admin/district", district_settings, methods=["GET", "POST"], name="district_settings")
]
