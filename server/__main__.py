"""Command line: ``python -m server run | serve | migrate | seed-demo | create-admin``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise import Tortoise

from server.db import migrate, tortoise_config
from server.demo import DEMO_PEOPLE, credentials_text, seed_demo
from server.settings import Settings, SettingsError, load_settings, use_demo_defaults

T = TypeVar("T")


async def _with_db(work: Callable[[], Awaitable[T]]) -> T:
    await Tortoise.init(config=tortoise_config(load_settings()))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(migrate(load_settings()))
    print("Migrations applied.")


def cmd_seed_demo(args: argparse.Namespace) -> None:
    people = asyncio.run(_with_db(seed_demo))
    print("Demo district created." if people else "Demo district already exists.")
    print(credentials_text(DEMO_PEOPLE))


def _ask_password() -> str:
    """The new admin's password, typed at a prompt. With nothing to type at (a script, a
    container with no terminal) the prompt meets end-of-input: say what to do instead."""
    try:
        return getpass.getpass("Password: ")
    except (EOFError, KeyboardInterrupt):
        sys.exit("\nerror: no password given: type one at the prompt, or set MUSTER_ADMIN_PASSWORD")


def cmd_create_admin(args: argparse.Namespace) -> None:
    from server.admin_cli import create_admin

    password = os.environ.get("MUSTER_ADMIN_PASSWORD") or _ask_password()
    try:
        message = asyncio.run(
            _with_db(lambda: create_admin(args.organisation, args.name, args.email, password))
        )
    except ValueError as error:
        sys.exit(f"error: {error}")
    print(message)


def cmd_i18n_update(args: argparse.Namespace) -> None:
    from server.i18n_catalogue import update

    for code, count in update().items():
        print(f"{code}: {count} strings need translating")


def cmd_checklists(args: argparse.Namespace) -> None:
    """The checklist files and the lesson and tabletop scenario files beside them
    (checklists/lessons/, checklists/exercises/)."""
    from server.checklists.library import SCHEMA_PATH, ChecklistError, json_schema, load_all
    from server.exercises import library as exercises
    from server.lessons import library as lessons

    if args.action == "schema":
        SCHEMA_PATH.write_text(json_schema(), encoding="utf-8")
        lessons.SCHEMA_PATH.write_text(lessons.json_schema(), encoding="utf-8")
        exercises.SCHEMA_PATH.write_text(exercises.json_schema(), encoding="utf-8")
        print(f"Wrote {SCHEMA_PATH}, {lessons.SCHEMA_PATH} and {exercises.SCHEMA_PATH}")
        return
    try:
        library = load_all()
        found = lessons.load_all(library)
        scenarios = exercises.load_all(library)
    except (ChecklistError, lessons.LessonError, exercises.ScenarioError) as error:
        sys.exit(f"error: {error}")
    for checklist in library.checklists.values():
        print(f"ok  {checklist.id} v{checklist.version} ({len(checklist.items())} items)")
    for lesson in found.in_order():
        print(f"ok  lessons/{lesson.id} v{lesson.version} ({len(lesson.points())} points)")
    for scenario in scenarios.in_order():
        print(f"ok  exercises/{scenario.id} v{scenario.version} ({len(scenario.injects)} injects)")
    if SCHEMA_PATH.read_text(encoding="utf-8") != json_schema():
        sys.exit("error: checklists/schema.json is stale: run `python -m server checklists schema`")
    if lessons.SCHEMA_PATH.read_text(encoding="utf-8") != lessons.json_schema():
        sys.exit(
            "error: checklists/lessons/schema.json is stale: "
            "run `python -m server checklists schema`"
        )
    if exercises.SCHEMA_PATH.read_text(encoding="utf-8") != exercises.json_schema():
        sys.exit(
            "error: checklists/exercises/schema.json is stale: "
            "run `python -m server checklists schema`"
        )


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    try:
        settings = load_settings()
        settings.check()  # a clear message now, not a traceback from every worker
        asyncio.run(_with_db(lambda: _case_key_opens(settings)))
    except SettingsError as error:
        sys.exit(f"error: {error}")

    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
    )


async def _case_key_opens(settings: Settings) -> None:
    from server.cases.sealing import check_key, use_key

    use_key(settings.case_key)
    await check_key(settings)


def cmd_push_send(args: argparse.Namespace) -> None:
    from server.assets import AssetRegistry
    from server.push.worker import DeliveryWorker

    settings = load_settings()
    try:
        settings.check()
    except SettingsError as error:
        sys.exit(f"error: {error}")

    async def work() -> None:
        worker = DeliveryWorker(settings, AssetRegistry().url)
        if args.loop:
            await worker.start()
            await asyncio.Event().wait()  # until the process is stopped
        async with worker:
            await worker.drain()
        print(f"Sent {worker.sent} push messages.")

    asyncio.run(_with_db(work))


def cmd_run(args: argparse.Namespace) -> None:
    use_demo_defaults()
    try:
        load_settings().check()  # before migrating or seeding: one clear message, no traceback
    except SettingsError as error:
        sys.exit(f"error: {error}")
    cmd_migrate(args)
    cmd_seed_demo(args)
    print(f"Muster is at http://{args.host}:{args.port}")
    cmd_serve(args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in [
        ("run", cmd_run, "migrate, create the demo district if missing, and serve"),
        ("serve", cmd_serve, "serve the app (run migrations first)"),
    ]:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--workers", type=int, default=1)
        sub.set_defaults(func=func)
    commands.add_parser("migrate", help="apply committed migrations").set_defaults(func=cmd_migrate)
    push_send = commands.add_parser(
        "push-send", help="send the push messages that are due (with --loop: keep sending)"
    )
    push_send.add_argument("--loop", action="store_true", help="run as a delivery worker")
    push_send.set_defaults(func=cmd_push_send)
    commands.add_parser("seed-demo", help="create the demo district").set_defaults(
        func=cmd_seed_demo
    )
    commands.add_parser(
        "i18n-update", help="merge new UI strings into web/locale/*/LC_MESSAGES/messages.po"
    ).set_defaults(func=cmd_i18n_update)
    checklists = commands.add_parser(
        "checklists", help="check checklist and lesson files, or write their schema.json"
    )
    checklists.add_argument("action", choices=["check", "schema"])
    checklists.set_defaults(func=cmd_checklists)
    admin = commands.add_parser(
        "create-admin", help="create an admin (password from MUSTER_ADMIN_PASSWORD or a prompt)"
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--organisation", required=True, help="created when it doesn't exist")
    admin.set_defaults(func=cmd_create_admin)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
