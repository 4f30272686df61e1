"""Admin: people, their roles and school memberships, passwords, deactivation. The rules are in
server/people/service.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.edge import query_text
from server.forms import PersonForm, parsed
from server.i18n import gettext as _
from server.models import Role, School, User
from server.pages import flash, flashed
from server.people import queries, service
from server.templating import render
from server.tenancy import get_or_404, scoped


@requires_role(Role.ADMIN)
async def people_list(request: Request) -> Response:
    query = query_text(request.query_params.get("q"), 100).strip()
    context = {
        "people": await queries.people(signed_in_user(request), query),
        "query": query,
        "flash": flash(request),
    }
    return render(request, "admin/people.html", context, fragment="admin/_people_list.html")


async def _form_page(
    request: Request, person: User | None, values: dict, errors: dict, status: int = 200
) -> Response:
    schools = await scoped(School, signed_in_user(request))
    context = {
        "person": person,
        "values": values,
        "errors": errors,
        "schools": schools,
        "roles": list(Role),
    }
    return render(request, "admin/person_form.html", context, status_code=status)


async def _save(request: Request, person: User | None) -> Response:
    raw = await request.form()
    form, errors = parsed(PersonForm, raw)
    if form is None:
        values = {k: raw.getlist(k) if k in ("roles", "schools") else raw.get(k) for k in raw}
        return await _form_page(request, person, values, errors, 422)
    saved = await service.save_person(signed_in_user(request), person, form)
    if saved.person is None:
        return await _form_page(request, person, form.model_dump(mode="json"), saved.errors, 422)
    said = _("Saved %(name)s.") % {"name": saved.person.name}
    if saved.temporary_password:
        said += " " + _("Temporary password: %(p)s") % {"p": saved.temporary_password}
    return flashed(request, said, "people")


@requires_role(Role.ADMIN)
async def person_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save(request, None)
    return await _form_page(request, None, {"roles": [], "schools": [], "active": True}, {})


@requires_role(Role.ADMIN)
async def person_edit(request: Request) -> Response:
    person = await get_or_404(User, signed_in_user(request), request.path_params["id"])
    if request.method == "POST":
        return await _save(request, person)
    return await _form_page(request, person, await queries.form_values(person), {})


@requires_role(Role.ADMIN)
async def person_reset_password(request: Request) -> Response:
    admin = signed_in_user(request)
    person = await get_or_404(User, admin, request.path_params["id"])
    temporary = await service.reset_password(admin, person)
    said = _("New temporary password for %(name)s: %(p)s") % {"name": person.name, "p": temporary}
    return flashed(request, said, "people")


routes = [
    Route("/admin/people", people_list, name="people"),
    Route("/admin/people/new", person_new, methods=["GET", "POST"], name="person_new"),
    Route("/admin/people/{id:int}", person_edit, methods=["GET", "POST"], name="person_edit"),
    Route(
        "/admin/people/{id:int}/password",
        person_reset_password,
        methods=["POST"],
        name="person_reset_password",
    ),
]
