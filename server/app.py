"""The application factory: routes, middleware, lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import NoMatchFound, Route, Router
from tortoise.contrib.starlette import RegisterTortoise

from server import errors
from server.action_names import NamesMiddleware
from server.alerts.fallback import fall_back_due
from server.assets import AssetRegistry
from server.auth import NotSignedIn, SessionBackend
from server.cases.sealing import check_key, use_key
from server.channels.escalation import escalate_due
from server.checklists.library import load_all
from server.csrf import CSRFMiddleware
from server.db import tortoise_config
from server.drills.reminders import remind_due
from server.due import watch
from server.exercises.library import load_all as load_scenarios
from server.lessons.library import load_all as load_lessons
from server.middleware import (
    LocaleMiddleware,
    SchemeAwareSessionMiddleware,
    SecurityHeadersMiddleware,
)
from server.push.vapid import VapidSigner
from server.push.worker import DeliveryWorker
from server.reports.place_names import run_place_namer
from server.routes import (
    accounting,
    action_names,
    actions,
    alerts,
    audit,
    auth,
    cases,
    concerns,
    contact,
    desk,
    district,
    drills,
    exercises,
    home,
    incidents,
    lessons,
    messages,
    metrics,
    people,
    places,
    push,
    pwa,
    reports,
    reviews,
    risk,
    runs,
    sms,
    static,
    sync,
    team,
    tips,
    training,
    trip_admin,
    trips,
)
from server.routes import checklists as checklist_routes
from server.settings import Settings, load_settings
from server.templating import make_templates
from server.tips.privacy import keep_addresses_out_of_logs
from server.trips.watch import check_trips


class NamedRouter(Router):
    """Starlette's router, finding a route by name in a dict: its own ``url_path_for`` tries each
    of the ~150 routes in turn, each refusal an exception, and a page asks dozens of times. The
    same answer: the first route, in order, that takes the name and the parameters."""

    _by_name: dict[str, list[Route]] = {}
    _indexed = -1  # how many routes the index was made from

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if self._indexed != len(self.routes):
            routes = [route for route in self.routes if isinstance(route, Route)]
            if len(routes) != len(self.routes):  # a mount answers for names not its own
                return super().url_path_for(name, **path_params)
            self._by_name = {}
            for route in routes:
                self._by_name.setdefault(route.name, []).append(route)
            self._indexed = len(routes)
        for route in self._by_name.get(name, ()):
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)


@contextmanager
def _start_up_set_aside() -> Iterator[None]:
    """What start-up made (templates, schemas, the content libraries, the ORM's models) lives as
    long as the process: set aside, the garbage collector's full passes, which a busy moment's
    many small objects set off, no longer walk all of it. On SQLite, 80 teachers' accounting
    at once went from 1.53 and 1.62 to 1.24 and 1.35 times as long as plain notes
    (bench/accounting.py)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # an app started again in this process (the tests) sets aside its own


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    settings.check()  # raises SettingsError, naming the setting: a bad one stops start-up
    use_key(settings.case_key)
    assets = AssetRegistry(reload=settings.debug)
    library = load_all()  # raises ChecklistError, naming the file: a bad file stops start-up
    lesson_library = load_lessons(library)  # the same for the lessons (LessonError)
    scenarios = load_scenarios(library)  # and the tabletop scenarios (ScenarioError)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            await check_key(settings)  # the case key opens the sealed records, or no start
            background = []
            if settings.geocoder_url:
                background.append(asyncio.create_task(run_place_namer(settings.geocoder_url)))
            if settings.trip_watch_seconds > 0:
                every, tz = settings.trip_watch_seconds, ZoneInfo(settings.timezone)
                watches = [
                    watch("trip watch", check_trips, every),
                    watch("fall-back", fall_back_due),
                    watch("escalation", escalate_due),
                    watch("drill reminder", partial(remind_due, tz=tz), every),
                ]
                background += [asyncio.create_task(each) for each in watches]
            worker = DeliveryWorker(settings, assets.url) if settings.push_worker else None
            if worker:
                await worker.start()
            try:
                with _start_up_set_aside():
                    yield
            finally:
                if worker:
                    await worker.stop()
                for task in background:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)

    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(GZipMiddleware, minimum_size=500),
        Middleware(
            SchemeAwareSessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="muster_session",
            max_age=settings.session_hours * 3600,
        ),
        Middleware(CSRFMiddleware, on_failure=errors.csrf_failure),
        Middleware(AuthenticationMiddleware, backend=SessionBackend()),
        Middleware(LocaleMiddleware, default=settings.default_locale),
        Middleware(NamesMiddleware),
    ]
    app = Starlette(
        debug=False,  # never show a traceback in the browser, even in development
        routes=[
            *home.routes,
            *actions.routes,
            *district.routes,
            *auth.routes,
            *people.routes,
            *places.routes,
            *action_names.routes,
            *audit.routes,
            *static.routes,
            *checklist_routes.routes,
            *runs.routes,
            *reports.routes,
            *concerns.routes,
            *tips.routes,
            *training.routes,
            *cases.routes,
            *alerts.routes,
            *desk.routes,
            *trips.routes,
            *trip_admin.routes,
            *risk.routes,
            *team.routes,
            *incidents.routes,
            *accounting.routes,
            *lessons.routes,
            *reviews.routes,
            *metrics.routes,
            *drills.routes,
            *exercises.routes,
            *push.routes,
            *sms.routes,
            *contact.routes,
            *messages.routes,
            *sync.routes,
            *pwa.routes,
        ],
        middleware=middleware,
        exception_handlers={
            HTTPException: errors.http_error,
            NotSignedIn: errors.not_signed_in,
            Exception: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.router = NamedRouter(app.router.routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.assets = assets
    app.state.checklists = library
    app.state.lessons = lesson_library
    app.state.scenarios = scenarios
    app.state.vapid = VapidSigner(settings.vapid_private_key, settings.vapid_contact)
    app.state.templates = make_templates(assets, settings.debug)
    logging.basicConfig(level=logging.INFO)
    keep_addresses_out_of_logs()
    return app
