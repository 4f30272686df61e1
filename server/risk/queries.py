"""What the risk plan pages read: a plan with its scored register and heat map, the distance to
the nearest hospital, and the choices and values its forms start from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from geopy.distance import geodesic

from server.models import School, Site, SiteKind, User
from server.risk.forms import HazardForm, RiskPlanForm
from server.risk.models import EventKind, Hazard, RiskPlan
from server.risk.scoring import BAND_LABELS, heat_map, score
from server.risk.service import EDITABLE
from server.tenancy import MAX_ID, scoped
from server.trips.models import Trip
from server.trips.service import bands_of, policy_for

LIGHTNING_MINUTES = 30
# Where a new hazard's scores start: the middle of the matrix, a step lower once mitigated.
NEW_HAZARD = {"likelihood": 3, "impact": 3, "residual_likelihood": 2, "residual_impact": 2}


async def _venue_point(plan: RiskPlan) -> tuple[float, float] | None:
    if plan.venue_id:
        venue = await Site.get(id=plan.venue_id)
        return venue.latitude, venue.longitude
    if plan.trip_id:
        trip = await Trip.get(id=plan.trip_id)
        if trip.latitude is not None and trip.longitude is not None:
            return trip.latitude, trip.longitude
    return None


def hospital_km(venue: tuple[float, float] | None, plan: RiskPlan) -> float | None:
    """Distance from the venue to the nearest hospital, along the earth's surface."""
    if venue is None or plan.hospital_latitude is None or plan.hospital_longitude is None:
        return None
    return geodesic(venue, (plan.hospital_latitude, plan.hospital_longitude)).km


async def plans(user: User) -> list[RiskPlan]:
    """The organisation's plans, for the list."""
    return await scoped(RiskPlan, user).prefetch_related("school", "author")


async def hazard(plan: RiskPlan, hazard_id: int) -> Hazard | None:
    """One hazard of the plan's register (None when the id is not one of its hazards)."""
    if hazard_id > MAX_ID:
        return None
    return await Hazard.get_or_none(id=hazard_id, plan_id=plan.id)


async def people(user: User) -> list[User]:
    """Who may own a hazard: the district's active people."""
    return await scoped(User, user).filter(active=True)


async def plan_view(user: User, plan: RiskPlan) -> dict[str, Any]:
    await plan.fetch_related("school", "venue", "trip", "author", "decided_by")
    hazards = await Hazard.filter(plan_id=plan.id).prefetch_related("owner")
    bands = bands_of(await policy_for(plan.school_id))
    rows = [
        {
            "hazard": h,
            "score": score(h.likelihood, h.impact),
            "band": bands.of(score(h.likelihood, h.impact)),
            "residual": score(h.residual_likelihood, h.residual_impact),
            "residual_band": bands.of(score(h.residual_likelihood, h.residual_impact)),
        }
        for h in hazards
    ]
    grid = heat_map(
        bands,
        [(h.likelihood, h.impact) for h in hazards],
        [(h.residual_likelihood, h.residual_impact) for h in hazards],
    )
    return {
        "plan": plan,
        "rows": rows,
        "grid": grid,
        "bands": bands,
        "band_labels": BAND_LABELS,
        "distance_km": hospital_km(await _venue_point(plan), plan),
        "editable": plan.status in EDITABLE,
        "people": await people(user),
        "values": dict(NEW_HAZARD),
        "errors": {},
        "lightning_minutes": LIGHTNING_MINUTES,
    }


async def form_choices(user: User) -> dict[str, Any]:
    return {
        "schools": await scoped(School, user),
        "venues": await scoped(Site, user).filter(kind=SiteKind.VENUE),
        "trips": await scoped(Trip, user).filter(ends_at__gte=datetime.now(UTC)),
        "kinds": list(EventKind),
    }


async def new_plan_values(user: User, trip_param: str, tz: ZoneInfo) -> dict[str, Any]:
    """A new plan's form: a game by default, or filled from the trip it is for (its day in
    the district's time: an evening trip's UTC day is already the next)."""
    values: dict[str, Any] = {"kind": "trip" if trip_param else "game"}
    if trip_param.isdecimal() and len(trip_param) < 10:
        found = await scoped(Trip, user).get_or_none(id=int(trip_param))
        if found:
            values |= {
                "trip": found.id,
                "school": found.school_id,
                "title": found.name,
                "venue": found.venue_id,
                "happens_on": found.starts_at.astimezone(tz).date().isoformat(),
            }
    return values


def plan_values(plan: RiskPlan) -> dict[str, Any]:
    values = {
        name: getattr(plan, name) for name in RiskPlanForm.model_fields if hasattr(plan, name)
    }
    values |= {"school": plan.school_id, "trip": plan.trip_id, "venue": plan.venue_id}
    values["kind"] = plan.kind.value
    values["happens_on"] = plan.happens_on.isoformat() if plan.happens_on else ""
    return values


def hazard_values(hazard: Hazard) -> dict[str, Any]:
    values = {name: getattr(hazard, name) for name in HazardForm.model_fields if name != "owner"}
    values["owner"] = hazard.owner_id
    return values
