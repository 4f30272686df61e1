"""The app's router finds a route's URL by name from an index: the same URL as Starlette's own
router for every route, and the same refusal for a name or parameters no route takes."""

from __future__ import annotations

import gc

import pytest
from starlette.routing import NoMatchFound, Route, Router

from server.app import NamedRouter


async def test_every_route_gets_the_url_starlettes_router_gives(app):
    assert isinstance(app.router, NamedRouter)
    routes = [route for route in app.routes if isinstance(route, Route)]
    assert len(routes) == len(app.routes) > 100
    for route in routes:
        params = {key: "7" for key in route.param_convertors}
        assert app.url_path_for(route.name, **params) == Router.url_path_for(
            app.router, route.name, **params
        )


async def test_a_name_or_parameters_no_route_takes_are_refused(app):
    with pytest.raises(NoMatchFound):
        app.url_path_for("no-such-route")
    with pytest.raises(NoMatchFound):
        app.url_path_for("home", id="1")


async def test_while_the_app_runs_what_start_up_made_is_set_aside_from_full_collections(app):
    assert gc.get_freeze_count() > 10_000  # the templates, schemas and libraries at least
