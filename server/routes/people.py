"""Admin: people, their roles and school memberships, passwords, deactivation."""

from __future__ import annotations

import secrets

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import audit
from server.auth import requires_role, signed_in_user
from server.edge import query_text
from server.forms import PersonForm, from_form, messages
from server.i18n import gettext as _
from server.models import Role, School, User
from server.passwords import hash_password
from server.templating import render
from server.tenancy import get_or_404, scoped


@requires_role(Role.ADMIN)
async def people_list(request: Request) -> Response:
    admin = signed_in_user(request)
    query = query_text(request.query_params.get("q"), 100).strip()
    people = scoped(User, admin)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    context = {
        "people": await people.prefetch_related("schools"),
        "query": query,
        "flash": request.session.pop("flash", None),
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


async def _values(person: User) -> dict:
    await person.fetch_related("schools")
    return {
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "roles": person.roles,
        "schools": [s.id for s in person.schools],
        "active": person.active,
    }


async def _check(request: Request, form: PersonForm, person: User | None) -> dict[str, str]:
    admin = signed_in_user(request)
    errors: dict[str, str] = {}
    clash = await User.filter(email=form.email).exclude(id=person.id if person else -1).exists()
    if clash:
        errors["email"] = _("Someone already uses this email.")
    known = set(await scoped(School, admin).values_list("id", flat=True))
    if not set(form.schools) <= known:
        errors["schools"] = _("Choose schools from the list.")
    if (
        person is not None
        and person.id == admin.id
        and (Role.ADMIN not in form.roles or not form.active)
    ):
        errors["roles"] = _("You can't remove your own admin role or deactivate yourself.")
    return errors


async def _save(request: Request, person: User | None) -> Response:
    admin = signed_in_user(request)
    raw = await request.form()
    try:
        form = from_form(PersonForm, raw)
    except ValidationError as error:
        values = {k: raw.getlist(k) if k in ("roles", "schools") else raw.get(k) for k in raw}
        return await _form_page(request, person, values, messages(error), 422)
    errors = await _check(request, form, person)
    if errors:
        return await _form_page(request, person, form.model_dump(mode="json"), errors, 422)

    temporary = None
    async with in_transaction():
        if person is None:
            temporary = secrets.token_urlsafe(9)
            person = await User.create(
                organisation_id=admin.organisation_id,
                password_hash=hash_password(temporary),
                name=form.name,
                email=form.email,
                phone=form.phone,
                roles=[r.value for r in form.roles],
                active=form.active,
            )
            action = "person.created"
        else:
            if person.active and not form.active:
                person.session_epoch += 1  # sign them out everywhere
            person.update_from_dict(
                {
                    "name": form.name,
                    "email": form.email,
                    "phone": form.phone,
                    "roles": [r.value for r in form.roles],
                    "active": form.active,
                }
            )
            action = "person.updated"
            await person.save()
        await person.schools.clear()
        if form.schools:
            await person.schools.add(*await scoped(School, admin).filter(id__in=form.schools))
        await audit.record(admin, action, person, roles=person.roles, active=person.active)
    request.session["flash"] = _("Saved %(name)s.") % {"name": person.name}
    if temporary:
        request.session["flash"] += " " + _("Temporary password: %(p)s") % {"p": temporary}
    return RedirectResponse(request.url_for("people"), status_code=303)


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
    return await _form_page(request, person, await _values(person), {})


@requires_role(Role.ADMIN)
async def person_reset_password(request: Request) -> Response:
    admin = signed_in_user(request)
    person = await get_or_404(User, admin, request.path_params["id"])
    temporary = secrets.token_urlsafe(9)
    person.password_hash = hash_password(temporary)
    person.session_epoch += 1
    await person.save(update_fields=["password_hash", "session_epoch"])
    await audit.record(admin, "person.password_reset", person)
    request.session["flash"] = _("New temporary password for %(name)s: %(p)s") % {
        "name": person.name,
        "p": temporary,
    }
    return RedirectResponse(request.url_for("people"), status_code=303)


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
