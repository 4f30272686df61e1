"""Admin: the district's own names for its five actions, in English and Spanish."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import audit
from server.action_names import ACTIONS, DEFAULTS, MAX_NAME, load, save
from server.alerts.kinds import KINDS
from server.auth import requires_role, signed_in_user
from server.forms import ActionNamesForm, parsed
from server.i18n import gettext as _
from server.models import Organisation, Role
from server.pages import flash, flashed
from server.templating import render


def _render(request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200):
    context = {
        "actions": [KINDS[action] for action in ACTIONS],
        "defaults": DEFAULTS,
        "max_name": MAX_NAME,
        "values": values,
        "errors": errors,
        "flash": flash(request),
    }
    return render(request, "admin/action_names.html", context, status_code=status)


@requires_role(Role.ADMIN)
async def action_names(request: Request) -> Response:
    admin = signed_in_user(request)
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(ActionNamesForm, raw)
        if form is None:
            return _render(request, dict(raw), errors, 422)
        await save(admin.organisation_id, form.names())
        district = Organisation(id=admin.organisation_id)  # what was changed: the district's words
        await audit.record(admin, "action_names.saved", district, **form.model_dump())
        said = _("Saved. Every alert, page and checklist uses these names.")
        return flashed(request, said, "action_names")
    names = await load(admin.organisation_id)
    values = {f"{a}_{lang}": name for a in ACTIONS for lang, name in names[a].items()}
    return _render(request, values, {})


routes = [Route("/admin/actions", action_names, methods=["GET", "POST"], name="action_names")]
