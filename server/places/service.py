"""Every decision about the district's schools and sites: what a save checks (a school of the
district, a point not far from every other site unless the admin says so), saved and audited.
Returns the saved record or the errors (and values) to show; takes no request."""

from __future__ import annotations

from typing import Any

from server import audit
from server.i18n import gettext as _
from server.models import School, Site, User
from server.places.forms import SchoolForm, SiteForm
from server.places.geo import distance_m
from server.tenancy import scoped

FAR_METRES = 100_000  # farther than this from every other site of the district: ask first


async def save_school(admin: User, school: School | None, form: SchoolForm) -> School:
    if school is None:
        school = await School.create(organisation_id=admin.organisation_id, name=form.name)
    else:
        school.name = form.name
        await school.save(update_fields=["name"])
    await audit.record(admin, "school.saved", school, name=school.name)
    return school


async def _site_errors(admin: User, site: Site | None, form: SiteForm) -> dict[str, str]:
    if form.school is not None and not await scoped(School, admin).filter(id=form.school).exists():
        return {"school": _("Choose a school from the list.")}
    others = [s for s in await scoped(Site, admin) if site is None or s.id != site.id]
    if not others or form.far_ok:
        return {}
    point = (form.latitude, form.longitude)
    closest = min(distance_m((s.latitude, s.longitude), point) for s in others)
    if closest <= FAR_METRES:
        return {}
    # A sign slip (+121 for -121) puts a campus on another continent: say so first.
    message = _(
        "This point is %(km)s km from the district's nearest other site. Check the"
        " latitude and longitude (a missing minus sign?), or save anyway."
    )
    return {"longitude": message % {"km": f"{closest / 1000:,.0f}"}}


async def save_site(
    admin: User, site: Site | None, form: SiteForm
) -> tuple[Site | None, dict[str, str], dict]:
    """The saved site; or None, the errors and the values to show again (with ``far`` set when
    the admin may save a far point anyway)."""
    errors = await _site_errors(admin, site, form)
    if errors:
        values = form.model_dump(mode="json") | ({"far": True} if "longitude" in errors else {})
        return None, errors, values
    fields: dict[str, Any] = {
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
    return site, {}, {}
