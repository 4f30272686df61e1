"""Admin: schools and their sites (campuses, bus depots, venues) with coordinates. Parses, calls
server/places/service.py, renders or redirects."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Role, School, Site, SiteKind
from server.pages import flash, flashed
from server.places import queries, service
from server.places.forms import SchoolForm, SiteForm
from server.templating import render
from server.tenancy import get_or_404, scoped


def _saved(request: Request, name: str) -> Response:
    return flashed(request, _("Saved %(name)s.") % {"name": name}, "places")


@requires_role(Role.ADMIN)
async def places_list(request: Request) -> Response:
    context = await queries.places(signed_in_user(request))
    context["flash"] = flash(request)
    return render(request, "admin/places.html", context)


async def _school(request: Request, school: School | None) -> Response:
    values: dict[str, Any] = {"name": school.name} if school else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(SchoolForm, raw)
        if form is not None:
            saved = await service.save_school(signed_in_user(request), school, form)
            return _saved(request, saved.name)
        values = dict(raw)
    context = {"school": school, "values": values, "errors": errors}
    status = 422 if errors else 200
    return render(request, "admin/school_form.html", context, status_code=status)


@requires_role(Role.ADMIN)
async def school_new(request: Request) -> Response:
    return await _school(request, None)


@requires_role(Role.ADMIN)
async def school_edit(request: Request) -> Response:
    return await _school(
        request, await get_or_404(School, signed_in_user(request), request.path_params["id"])
    )


async def _site(request: Request, site: Site | None) -> Response:
    admin = signed_in_user(request)
    values = queries.site_values(site) if site else {"kind": "campus"}
    errors: dict = {}
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(SiteForm, raw)
        values = dict(raw)
        if form is not None:
            saved, errors, values = await service.save_site(admin, site, form)
            if saved is not None:
                return _saved(request, saved.name)
    context: dict[str, Any] = {"site": site, "values": values, "errors": errors}
    context["kinds"] = list(SiteKind)
    context["schools"] = await scoped(School, admin)
    status = 422 if errors else 200
    return render(request, "admin/site_form.html", context, status_code=status)


@requires_role(Role.ADMIN)
async def site_new(request: Request) -> Response:
    return await _site(request, None)


@requires_role(Role.ADMIN)
async def site_edit(request: Request) -> Response:
    return await _site(
        request, await get_or_404(Site, signed_in_user(request), request.path_params["id"])
    )


routes = [
    Route("/admin/places", places_list, name="places"),
    Route("/admin/schools/new", school_new, methods=["GET", "POST"], name="school_new"),
    Route("/admin/schools/{id:int}", school_edit, methods=["GET", "POST"], name="school_edit"),
    Route("/admin/sites/new", site_new, methods=["GET", "POST"], name="site_new"),
    Route("/admin/sites/{id:int}", site_edit, methods=["GET", "POST"], name="site_edit"),
]
