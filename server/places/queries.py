"""What the places pages read: the district's schools and sites, and a site's form values."""

from __future__ import annotations

from typing import Any

from server.models import School, Site, User
from server.tenancy import scoped


async def places(admin: User) -> dict[str, Any]:
    sites = await scoped(Site, admin).prefetch_related("school")
    return {"schools": await scoped(School, admin), "sites": sites}


def site_values(site: Site) -> dict[str, Any]:
    return {
        "name": site.name,
        "kind": site.kind.value,
        "school": site.school_id,
        "latitude": site.latitude,
        "longitude": site.longitude,
    }
