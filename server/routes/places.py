"""Admin: schools and their sites (campuses, bus depots, venues) with coordinates."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import audit
from server.auth import requires_role, signed_in_user
from server.forms import SchoolForm, SiteForm, from_form, messages
from server.i18n import gettext as _
from server.models import Role, School, Site, SiteKind
from server.reports.geo import distance_m
from server.templating import render
from server.tenancy import get_or_404, scoped

FAR_METRES = 100_000  # farther than this from every other site of the district: ask first


@requires_role(Role.ADMIN)
async def places_list(request: Request) -> Response:
    admin = signed_in_user(request)
    schools = await scoped(School, admin)
    sites = await scoped(Site, admin).prefetch_related("school")
    flash = request.session.pop("flash", None)
    context = {"schools": schools, "sites": sites, "flash": flash}
    return render(request, "admin/places.html", context)


async def _school_form(
    request: Request, school: School | None, values: dict, errors: dict, status: int = 200
) -> Response:
    context = {"school": school, "values": values, "errors": errors}
    return render(request, "admin/school_form.html", context, status_code=status)


async def _save_school(request: Request, school: School | None) -> Response:
    admin = signed_in_user(request)
    raw = await request.form()
    try:
        form = from_form(SchoolForm, raw)
    except ValidationError as error:
        return await _school_form(request, school, dict(raw), messages(error), 422)
    if school is None:
        school = await School.create(organisation_id=admin.organisation_id, name=form.name)
    else:
        school.name = form.name
        await school.save(update_fields=["name"])
    await audit.record(admin, "school.saved", school, name=school.name)
    request.session["flash"] = _("Saved %(name)s.") % {"name": school.name}
    return RedirectResponse(request.url_for("places"), status_code=303)


@requires_role(Role.ADMIN)
async def school_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save_school(request, None)
    return await _school_form(request, None, {}, {})


@requires_role(Role.ADMIN)
async def school_edit(request: Request) -> Response:
    school = await get_or_404(School, signed_in_user(request), request.path_params["id"])
    if request.method == "POST":
        return await _save_school(request, school)
    return await _school_form(request, school, {"name": school.name}, {})


async def _site_form(
    request: Request, site: Site | None, values: dict, errors: dict, status: int = 200
) -> Response:
    schools = await scoped(School, signed_in_user(request))
    context = {
        "site": site,
        "values": values,
        "errors": errors,
        "schools": schools,
        "kinds": list(SiteKind),
    }
    return render(request, "admin/site_form.html", context, status_code=status)


async def _save_site(request: Request, site: Site | None) -> Response:
    admin = signed_in_user(request)
    raw = await request.form()
    try:
        form = from_form(SiteForm, raw)
    except ValidationError as error:
        return await _site_form(request, site, dict(raw), messages(error), 422)
    if form.school is not None and not await scoped(School, admin).filter(id=form.school).exists():
        errors = {"school": _("Choose a school from the list.")}
        return await _site_form(request, site, form.model_dump(mode="json"), errors, 422)
    others = [s for s in await scoped(Site, admin) if site is None or s.id != site.id]
    if others and not form.far_ok:
        point = (form.latitude, form.longitude)
        closest = min(distance_m((s.latitude, s.longitude), point) for s in others)
        if closest > FAR_METRES:
            # A sign slip (+121 for -121) puts a campus on another continent: say so first.
            errors = {
                "longitude": _(
                    "This point is %(km)s km from the district's nearest other site. Check the"
                    " latitude and longitude (a missing minus sign?), or save anyway."
                )
                % {"km": f"{closest / 1000:,.0f}"}
            }
            values = {**form.model_dump(mode="json"), "far": True}
            return await _site_form(request, site, values, errors, 422)
    fields = {
        "name": form.name,
        "kind": form.kind,
        "school_id": form.school,
        "latitude": form.latitude,
        "longitude": form.longitude,
    }
    if site is None:
        site = await Site.create(organisation_id=admin.organisation_id, **fields)
    else:
        await site.update_from_dict(fields).save()
    await audit.record(admin, "site.saved", site, **{**fields, "kind": form.kind.value})
    request.session["flash"] = _("Saved %(name)s.") % {"name": site.name}
    return RedirectResponse(request.url_for("places"), status_code=303)


@requires_role(Role.ADMIN)
async def site_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save_site(request, None)
    return await _site_form(request, None, {"kind": "campus"}, {})


@requires_role(Role.ADMIN)
async def site_edit(request: Request) -> Response:
    site = await get_or_404(Site, signed_in_user(request), request.path_params["id"])
    if request.method == "POST":
        return await _save_site(request, site)
    values = {
        "name": site.name,
        "kind": site.kind.value,
        "school": site.school_id,
        "latitude": site.latitude,
        "longitude": site.longitude,
    }
    return await _site_form(request, site, values, {})


routes = [
    Route("/admin/places", places_list, name="places"),
    Route("/admin/schools/new", school_new, methods=["GET", "POST"], name="school_new"),
    Route("/admin/schools/{id:int}", school_edit, methods=["GET", "POST"], name="school_edit"),
    Route("/admin/sites/new", site_new, methods=["GET", "POST"], name="site_new"),
    Route("/admin/sites/{id:int}", site_edit, methods=["GET", "POST"], name="site_edit"),
]
