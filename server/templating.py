"""Jinja2 set-up: i18n, hashed static URLs, CSRF token and the page-or-fragment rule."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from server import i18n
from server.action_names import KindNames, kind_name
from server.assets import AssetRegistry
from server.auth import current_user
from server.checklists.schema import ASKED
from server.csrf import csrf_token
from server.district_time import DAY_HM, HM, clock, shown, zone
from server.htmx import wants_fragment
from server.journeys import offline_urls
from server.labels import (
    CHECKIN_LABELS,
    CONTEXT_LABELS,
    EVENT_KIND_LABELS,
    KIND_LABELS,
    PLAN_STATUS_LABELS,
    ROLE_LABELS,
    SEVERITY_LABELS,
    TRIP_STATUS_LABELS,
)
from server.phones import dial, tel_links
from server.places.nearest import describe
from server.push.payload import name as alert_heading
from server.settings import ROOT

DESK_PATHS = (
    "/admin",
    "/reports",
    "/risk-plans",
    "/concerns",
    "/metrics",
)  # the safety team's and admins' pages
FIELD_PATHS = ("/reports/new", "/concerns/new")  # forms on a phone, whoever opens them


def desk_page(path: str) -> bool:
    """A page read at a desk: it uses a laptop's width (and still fits 320 px)."""
    return path.startswith(DESK_PATHS) and not path.startswith(FIELD_PATHS)


def make_templates(assets: AssetRegistry, debug: bool) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(ROOT / "web" / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        auto_reload=debug,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Added to the environment by the i18n extension, at run time: unknown to type checkers.
    cast(Any, env).install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["static"] = assets.url
    env.globals["csrf_token"] = csrf_token
    env.globals["desk_page"] = desk_page
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["role_labels"] = ROLE_LABELS
    env.globals["kind_labels"] = KIND_LABELS
    env.globals["asked_kinds"] = ASKED
    env.globals["context_labels"] = CONTEXT_LABELS
    env.globals["alert_labels"] = KindNames()  # the district's names for its actions
    env.globals["alert_name"] = kind_name
    env.globals["alert_heading"] = alert_heading  # what an alert is, as every surface says it
    env.globals["checkin_labels"] = CHECKIN_LABELS
    env.globals["status_labels"] = TRIP_STATUS_LABELS
    env.globals["plan_status_labels"] = PLAN_STATUS_LABELS
    env.globals["event_kind_labels"] = EVENT_KIND_LABELS
    env.globals["severity_labels"] = SEVERITY_LABELS
    env.globals["current_locale"] = i18n.current_locale.get
    env.globals["place_words"] = describe
    env.filters["tel_links"] = tel_links
    env.filters["hm"] = hm
    env.filters["day_hm"] = day_hm
    env.globals["dial"] = dial
    env.tests["uuid_text"] = is_uuid_text
    return Jinja2Templates(env=env)


@pass_context
def hm(context: Context, moment: datetime) -> str:
    """``{{ moment | hm }}``: "06:12" on the district's clock (never raises, like ``when``)."""
    return shown(moment, zone(context["request"]), HM)


@pass_context
def day_hm(context: Context, moment: datetime) -> str:
    """``{{ moment | day_hm }}``: "2026-12-01 06:12" on the district's clock."""
    return shown(moment, zone(context["request"]), DAY_HM)


def is_uuid_text(value: Any) -> bool:
    """For templates: links are made only to ids that can be ids (a stored value can't 500)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def render(
    request: Request,
    page: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or only ``fragment`` when htmx asks for a swap."""
    templates: Jinja2Templates = request.app.state.templates
    user = current_user(request)
    context = {
        "user": user,
        "offline_urls": offline_urls(request, user) if user else [],
        "when": clock(zone(request)),  # every stored time, shown on the district's clock
        # A fragment may carry out-of-band parts (links that must follow the swapped filters).
        "as_fragment": bool(fragment and wants_fragment(request)),
        **(context or {}),
    }
    name = fragment if fragment and wants_fragment(request) else page
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    # A page differs by language (a kept copy in the other one, for switching offline).
    response.headers["Vary"] = "HX-Request, Muster-Locale" if fragment else "Muster-Locale"
    return response
