"""Helpers shared by the tests: import them from here, never from another test file."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import yaml
from geographiclib.geodesic import Geodesic
from pydantic import BaseModel

from server.alerts.models import Alert
from server.channels.worker import ChannelSender
from server.checklists.schema import Text
from server.trips.models import LostStudent
from tests.push_receiver import Device


def event(type_: str = "note.recorded", **payload) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": type_,
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": payload or {"text": "Gate B left open"},
    }


async def send(client, events: list, device: str = "phone-1", **kwargs):
    return await client.http.post(
        "/api/sync",
        json={"device_id": device, "events": events},
        headers={"X-CSRF-Token": client.csrf},
        **kwargs,
    )


CAMPUS = (38.5762, -121.4865)  # the test organisation's campus (tests/conftest.py)


def moved(origin: tuple[float, float], bearing: float, metres: float) -> tuple[float, float]:
    found = Geodesic.WGS84.Direct(*origin, bearing, metres)
    return found["lat2"], found["lon2"]


def filed(point: tuple[float, float] | None = CAMPUS, **fields) -> dict:
    payload = {
        "report_id": str(uuid.uuid4()),
        "kind": "vehicle",
        "activity": "Parked by the gate, filming the children",
        "seen_at": datetime.now(UTC).isoformat(),
        "vehicle": {"plate": "8xyz 123", "colour": "Grey"},
    }
    if point is not None:
        payload["position"] = {"latitude": point[0], "longitude": point[1], "accuracy": 12}
    payload.update(fields)
    return event("report.filed", **payload)


async def file(client, *events) -> list[dict]:
    response = await send(client, list(events))
    assert response.status_code == 200
    return response.json()["results"]


def t(en: str) -> dict:
    return {"en": en, "es": f"[es] {en}"}


def item(id: str, kind: str, **extra) -> dict:
    return {"id": id, "kind": kind, "text": t(id), **extra}


OPTIONS = [{"id": "a", "label": t("A")}, {"id": "b", "label": t("B")}]


EVERY_KIND = [
    item("read-this", "instruction", detail=t("why")),
    item("tick", "check", critical=True),
    item("yes-or-no", "yes_no"),
    item("short", "text", max_length=50),
    item("exact-words", "long_text"),
    item("weight", "number", unit=t("lb"), min=0, max=500),
    item("one-of", "choice", options=OPTIONS),
    item("some-of", "chips", options=OPTIONS),
    item("when", "timestamp"),
    item("since-when", "stopwatch", since="when"),
    item("call-timer", "stopwatch", starts_on_open=True),
    item("lightning", "countdown", seconds=1800),
    item("count", "headcount"),
    item("where", "location"),
    item("picture", "photo"),
    item("alarm", "action", alert="silent", notify=["admin", "safety"]),
    item("only-if-yes", "check", show_if={"item": "yes-or-no", "equals": True}),
    item("only-if-b", "text", show_if={"item": "one-of", "equals": "b"}),
    item("only-if-has-a", "text", show_if={"item": "some-of", "includes": "a"}),
    item("b-or-not-yet", "text", show_if={"item": "one-of", "equals": "b", "unanswered": True}),
]


def checklist(**changes) -> dict:
    data = {
        "schema_version": 1,
        "id": "sample",
        "version": 1,
        "revised": "2026-11-28",
        "title": t("Sample"),
        "summary": t("A sample"),
        "audience": ["staff"],
        "mode": "read-do",
        "sources": [{"title": "Brief", "facts": "all"}],
        "sections": [{"id": "only", "title": t("Only"), "items": EVERY_KIND}],
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: dict, name: str = "sample") -> Path:
    path = tmp_path / "checklists" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def ids(org, *roles):
    people = [org.spare if role == "spare" else org.users[role] for role in roles]
    return sorted(person.id for person in people)


WORDS = "There is a bomb in the gym.\nIt goes off at noon."


NEAR_CAMPUS = {"latitude": 38.5767, "longitude": -121.4859, "accuracy": 12}  # 80 m NE


async def threat_call(office, words: str = WORDS) -> tuple[str, str]:
    """The office takes a threatening call: the silent alert, then the caller's exact words."""
    run_id, alert_id = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [
        event("checklist.started", run_id=run_id, checklist_id="threat-call", version=2),
        event(
            "alert.raised",
            alert_id=alert_id,
            kind="silent",
            notify=["admin", "safety"],
            run_id=run_id,
            checklist_id="threat-call",
            item_id="silent-alert",
            position=NEAR_CAMPUS,
        ),
        event("checklist.answered", run_id=run_id, item_id="exact-words", value=words),
    ]
    results = (await send(office, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    return run_id, alert_id


async def lost_student(org, chaperone) -> tuple[str, str]:
    lost_id = str(uuid.uuid4())
    batch = [
        event(
            "trip.student_lost",
            lost_id=lost_id,
            trip_id=org.trip.id,
            student_id=org.student.id,
            last_seen_where="the gift shop",
            position={"latitude": 38.5846, "longitude": -121.5049, "accuracy": 8},
        )
    ]
    results = (await send(chaperone, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted"], results
    lost = await LostStudent.get(id=lost_id)
    alert = next(
        a
        for a in await Alert.filter(organisation_id=org.organisation.id, kind="lost-student")
        if a.source.get("lost_id") == str(lost.id)
    )
    return lost_id, str(alert.id)


async def subscribe(client, device: Device, user_agent: str = "Phone/1.0"):
    return await client.http.post(
        "/api/push/subscriptions",
        json={**device.subscription(), "user_agent": user_agent},
        headers={"X-CSRF-Token": client.csrf},
    )


def html(response: httpx.Response):
    """The response parsed, to check with CSS selectors rather than string matching."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.text, "html.parser")


@contextmanager
def configured(app, **changes) -> Iterator[None]:
    """The district's settings changed for one test, as its environment would change them."""
    before = app.state.settings
    app.state.settings = replace(before, **changes)
    try:
        yield
    finally:
        app.state.settings = before


def unlinked_errors(page) -> list[str]:
    """The field errors on ``page`` that no control names in its aria-describedby: a screen
    reader reaching the control would not hear what is wrong with it."""
    described = {
        ref
        for control in page.select("[aria-describedby]")
        for ref in control["aria-describedby"].split()
    }
    return [p["id"] for p in page.select("p.field-error") if p["id"] not in described]


async def give_phone(org, user) -> None:
    """``user`` has a phone that takes alerts (a push subscription no test sends to)."""
    from server.push.models import PushSubscription

    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=user,
        endpoint=f"https://push.example.com/{user.id}",
        p256dh="B" * 87,
        auth="A" * 22,
    )


async def small_roster(org, school=None, teacher=None, size: int = 3, ask: bool = True):
    """A class at ``school`` (the org's own by default) taught by ``teacher`` (its staff
    person), with ``size`` students, each with a guardian who may pick up and one who may not;
    the org's incident asks for accounting when ``ask``. Returns (class, students)."""
    from server.accounting.models import (
        AccountingCall,
        ClassTeacher,
        Enrollment,
        Guardian,
        RosterClass,
        Student,
    )

    school = school or org.school
    teacher = teacher or org.users["staff"]
    tag = uuid.uuid4().hex[:6]
    klass = await RosterClass.create(
        organisation_id=school.organisation_id,
        school=school,
        source_id=f"c-{tag}",
        name=f"Room {tag}",
    )
    await ClassTeacher.create(roster_class=klass, teacher=teacher)
    students = []
    for n in range(size):
        student = await Student.create(
            organisation_id=school.organisation_id,
            school=school,
            source_id=f"s-{tag}-{n}",
            name=f"Student {n} {tag}",
            grade="3",
            custody_notes="Not to the father." if n == 0 else "",
        )
        await Enrollment.create(roster_class=klass, student=student)
        await Guardian.create(student=student, source_id=f"g-{tag}-{n}", name=f"Parent {n} {tag}")
        await Guardian.create(
            student=student, source_id=f"x-{tag}-{n}", name=f"Uncle {n} {tag}", may_pick_up=False
        )
        students.append(student)
    if ask:
        await AccountingCall.get_or_create(
            incident_id=org.incident.id, defaults={"asked_at": datetime.now(UTC)}
        )
    return klass, students


# The content files' checks (lessons, tabletop scenarios): the brief, its sections, every
# string pair, and what no file may say.
TRADEMARKED = r"stop the bleed\b|i love u guys|standard response protocol|\balice\b|say something"

# The brief's ⚠ facts (need a second source): the 3 minutes of pressure after packing, and the
# "about 2 hours" a tourniquet is said to be low risk.
UNCONFIRMED = (
    r"\b3 min|\bthree min|\b3 minutos|\btres minutos|\b2 hours|\btwo hours|\b2 horas|\bdos horas"
)


def texts(node: object) -> list[Text]:
    """Every string pair in a lesson or a scenario, wherever it sits."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    if isinstance(node, BaseModel):
        return [t for name in type(node).model_fields for t in texts(getattr(node, name))]
    return []


def brief() -> str | None:
    root = Path(__file__).resolve().parent.parent
    for folder in (root, *root.parents):
        path = folder / "shared" / "docs" / "content-brief.md"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def brief_section(text: str, number: int) -> str:
    found = re.search(rf"^## {number}\. (.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, f"the brief has no section {number}"
    return found.group(0)


def sender(channel, on, **options):
    """A channel's sender with retries short enough for a test (``on``: the settings fixture)."""
    return ChannelSender(channel, on, retry_base=0.01, retry_cap=0.05, **options)
