"""The layers hold (design.md, "Areas: one shape for each"): routes parse, call an area's service
and render; they write nothing to the database and import no other route; area packages know no
web framework; every module of event types is listed where events are taken in.

Where older code breaks a rule, it is named below with how often. The numbers may only fall:
moving the code into its service makes a test fail until its line here is lowered or removed,
and new code that breaks a rule fails at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
ROUTES = SERVER / "routes"
AREAS = (
    "accounting",
    "alerts",
    "cases",
    "channels",
    "checklists",
    "concerns",
    "drills",
    "events",
    "exercises",
    "incidents",
    "lessons",
    "metrics",
    "people",
    "places",
    "push",
    "reports",
    "reviews",
    "risk",
    "team",
    "tips",
    "training",
    "trips",
)

WRITES = {"create", "save", "delete", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create", "update_from_dict"}
QUERIES = {"filter", "exclude", "all", "select_for_update"}  # .update() after one of these

# Older route modules that still write: to move into their areas' services (issue 15).
ROUTE_WRITES: dict[str, int] = {}
ROUTE_IMPORTS: dict[str, set[str]] = {}  # route -> the other routes it still imports
AREA_WEB_IMPORTS: set[str] = set()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def database_writes(path: Path) -> list[int]:
    """Lines of ``path`` that write to the database through the ORM or open a transaction."""
    return [
        node.lineno
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and _writes(node.func)
    ]


def _writes(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "in_transaction"
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "update":  # a queryset's, not a dict's
        return _after_query(func.value)
    return func.attr == "in_transaction" or func.attr in WRITES


def _after_query(node: ast.expr) -> bool:
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in QUERIES:
            return True
        node = node.func.value
    return False


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_routes_write_nothing_to_the_database():
    counts = {}
    for path in sorted(ROUTES.glob("*.py")):
        writes = database_writes(path)
        if writes or path.name in ROUTE_WRITES:
            counts[path.name] = len(writes)
    assert counts == ROUTE_WRITES, (
        "a route module writes to the database (move it into its area's service), "
        "or one that did no longer does (lower its number in ROUTE_WRITES)"
    )


def test_no_route_imports_another_route():
    found = {}
    for path in sorted(ROUTES.glob("*.py")):
        others = {
            module.split(".")[2]
            for module in imported_modules(path)
            if module.startswith("server.routes.") and module.count(".") >= 2
        } - {path.stem}
        others = {name for name in others if (ROUTES / f"{name}.py").exists()}
        if others:
            found[path.name] = others
    assert found == ROUTE_IMPORTS


def test_area_packages_know_no_web_framework():
    found = set()
    for area in AREAS:
        for path in sorted((SERVER / area).rglob("*.py")):
            if any(m.split(".")[0] == "starlette" for m in imported_modules(path)):
                found.add(str(path.relative_to(SERVER)))
    assert found == AREA_WEB_IMPORTS


def event_modules(root: Path) -> set[str]:
    """The modules under ``root`` (a folder named ``server``) that hold event types: every
    ``events.py``, and any other module that registers a type with ``@event_type``."""
    return {
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.rglob("*.py")
        if path.name == "events.py" or "@event_type(" in path.read_text(encoding="utf-8")
    }


def test_every_module_of_event_types_is_listed_where_events_come_in():
    from server.events.ingest import EVENT_MODULES

    listed = {module.__name__ for module in EVENT_MODULES}
    found = event_modules(SERVER)
    assert found, "no event types found: the check itself is broken"
    assert found == listed, "list each module of event types in ingest.EVENT_MODULES"


def test_the_checks_see_what_they_look_for(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from server.routes.reports import x\n"
        "async def f(user):\n"
        "    await Report.filter(id=1).update(status='closed')\n"
        "    await Report.create(title='x')\n"
        "    async with in_transaction():\n"
        "        pass\n"
        "    values.update(a=1)\n"
    )
    assert database_writes(planted) == [3, 4, 5]
    assert "server.routes.reports" in imported_modules(planted)
    area = tmp_path / "server" / "drills"
    area.mkdir(parents=True)
    (area / "events.py").write_text("")
    assert event_modules(tmp_path / "server") == {"server.drills.events"}


def test_tests_take_their_helpers_from_the_helpers_modules():
    """A test file imports shared code from tests/helpers.py or tests/browser/helpers.py (and
    fixtures come from conftest.py), never from another test file."""
    borrowed = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "tests").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[-1].startswith("test_")
        or any(part.startswith("test_") for part in module.split(".")[:-1])
    }
    assert not borrowed, sorted(borrowed)


def test_test_files_have_names_of_their_own():
    """tests/ and tests/browser/ are not packages: pytest imports each test file by its name
    alone, so two files of one name stop a whole-suite run at collection ("import file
    mismatch") while each still passes when run on its own."""
    names = [path.name for path in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_only_the_base_template_shows_the_flash():
    """base.html shows the flash once, above every page's content; a page that showed it too
    gave a screen reader two status regions saying the same thing."""
    shown_again = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "web" / "templates").rglob("*.html")
        if path.name != "base.html" and "{{ flash }}" in path.read_text()
    ]
    assert shown_again == []


def test_forms_the_phones_script_sends_wait_for_it():
    """A form with no method is the page's script's to send (through the outbox): its submit
    button comes disabled until the script takes the form over (web/static/js/form-takeover.js),
    or a tap before the script ran sends it as a plain GET and what was typed is lost. (A form
    the script shows, hidden until then, can't be tapped early.)"""
    waiting = []
    for path in (ROOT / "web" / "templates").rglob("*.html"):
        text = path.read_text()
        for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S):
            if "method=" in form[1] or re.search(r"\bhidden\b", form[1]):
                continue
            for button in re.finditer(r"<button\b[^>]*type=\"submit\"[^>]*>", form[2]):
                if "disabled data-until-script" not in button[0]:
                    waiting.append(f"{path.relative_to(ROOT)}: {button[0]}")
    assert waiting == []
