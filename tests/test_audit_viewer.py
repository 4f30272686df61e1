"""The admins' audit-log viewer (server/audit_viewer.py, routes/audit.py): the district's entries
only, filtered by person, kind and day on the district's clock, paged, escaped; a filter that
can't be used is said beside its field, and the page still answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.models import AuditLog
from tests.helpers import configured, html

LA = "America/Los_Angeles"


async def _entry(org, role: str, action: str, at: datetime, **detail) -> AuditLog:
    made = await AuditLog.create(
        organisation_id=org.organisation.id,
        actor=org.users[role],
        action=action,
        record_type="Incident",
        record_id=str(org.incident.id),
        detail=detail,
    )
    await AuditLog.filter(id=made.id).update(at=at)  # ``at`` is the server's clock on create
    return made


def _shown(page) -> list[str]:
    return [li["data-entry"] for li in page.select("#audit-list li.audit-entry")]


async def test_filters_by_person_kind_and_the_districts_day(app, org, other_org, as_role):
    base = datetime(2026, 6, 11, 7, 30, tzinfo=UTC)  # Jun 11, 00:30 in Sacramento
    viewed = await _entry(org, "safety", "incident.viewed", base)
    printed = await _entry(org, "admin", "incident.printed", base + timedelta(hours=1))
    late = await _entry(org, "safety", "incident.viewed", base - timedelta(hours=1))  # Jun 10 there
    theirs = await _entry(other_org, "safety", "incident.viewed", base)
    admin = await as_role("admin")
    with configured(app, timezone=LA):
        day = {"day": "2026-06-11"}
        assert _shown(html(await admin.get("/admin/audit", params=day))) == [
            str(printed.id),
            str(viewed.id),
        ]
        person = {**day, "person": org.users["safety"].id}
        assert _shown(html(await admin.get("/admin/audit", params=person))) == [str(viewed.id)]
        kind = {"action": "incident.viewed"}
        assert _shown(html(await admin.get("/admin/audit", params=kind))) == [
            str(viewed.id),
            str(late.id),
        ]
        oldest = html(await admin.get("/admin/audit", params={**kind, "sort": "oldest"}))
        assert _shown(oldest) == [str(late.id), str(viewed.id)]
        assert oldest.select_one("#f-action option[selected]")["value"] == "incident.viewed"
        page = html(await admin.get("/admin/audit", params=day))
    assert str(theirs.id) not in _shown(html(await admin.get("/admin/audit")))
    first = page.select_one("#audit-list li.audit-entry")
    text = " ".join(first.get_text(" ").split())
    assert "Incident timeline printed" in text and org.users["admin"].name in text
    assert "2026-06-11 01:30" in text  # the district's clock
    assert page.select_one("#f-day")["value"] == "2026-06-11"
    assert first.select_one(f"a[href='/incidents/{org.incident.id}']")  # the record's page


async def test_an_entry_links_to_its_record_only_when_its_id_can_be_one(org, as_role):
    now = datetime.now(UTC)
    for record_type, record_id in [("Incident", "12abc"), ("Report", "not-a-uuid"), ("Thing", "1")]:
        made = await _entry(org, "safety", "odd.thing", now)
        await AuditLog.filter(id=made.id).update(record_type=record_type, record_id=record_id)
    report = await _entry(org, "safety", "report.viewed", now - timedelta(minutes=1))
    await AuditLog.filter(id=report.id).update(record_type="Report", record_id=str(org.report.id))
    response = await (await as_role("admin")).get("/admin/audit")
    assert response.status_code == 200
    links = [a["href"] for a in html(response).select("#audit-list li.audit-entry p.muted a")]
    assert links == [f"/reports/{org.report.id}"]


async def test_pages_and_escapes(org, as_role):
    now = datetime.now(UTC)
    made = [
        await _entry(org, "safety", "report.viewed", now - timedelta(minutes=n)) for n in range(55)
    ]
    script = "<script>alert(1)</script>"
    await _entry(org, "safety", "report.viewed", now + timedelta(seconds=1), note=script)
    admin = await as_role("admin")
    first = html(await admin.get("/admin/audit", params={"action": "report.viewed"}))
    assert "1\u201350 of 56" in first.select_one("#audit-list nav.pages").get_text()
    assert not first.select("#audit-list script")
    assert "<script>alert(1)</script>" in first.select_one("#audit-list dd").get_text()
    following = first.select_one("#audit-list a[rel=next]")["href"]
    assert "action=report.viewed" in following and "page=2" in following
    second = html(await admin.get(following))
    assert len(_shown(second)) == 6
    assert set(_shown(first)[1:]) | set(_shown(second)) == {str(e.id) for e in made}
    swapped = await admin.get(following, headers={"HX-Request": "true"})
    assert html(swapped).select_one("section#audit-list") and "<h1" not in swapped.text


async def test_bad_filters_are_said_beside_their_field_and_the_page_answers(
    org, other_org, as_role
):
    await _entry(org, "safety", "incident.viewed", datetime.now(UTC))
    admin = await as_role("admin")
    for params, field, message in [
        ({"day": "9999-12-31"}, "day", "Not a day we can search by"),
        ({"day": "31/12/2026"}, "day", "Not a day we can search by"),
        ({"from": "0000-01-01"}, "day", "Not a day we can search by"),
        ({"person": "junk"}, "person", "Choose people from the list."),
        ({"person": str(other_org.users["admin"].id)}, "person", "Choose people from the list."),
        ({"person": "99999999999999999999"}, "person", "Choose people from the list."),
        ({"action": "<b>x</b>"}, "action", "Choose one of the options."),
    ]:
        response = await admin.get("/admin/audit", params=params)
        assert response.status_code == 200, params
        page = html(response)
        assert message in page.select_one(f"#{field}-error").get_text(), params
        assert page.select_one(f"#f-{field}")["aria-describedby"] == f"{field}-error"
        assert len(_shown(page)) == 1, params  # the unusable filter is dropped
        swapped = await admin.get("/admin/audit", params=params, headers={"HX-Request": "true"})
        assert message in html(swapped).select_one("[role=alert]").get_text(), params
    good = html(await admin.get("/admin/audit", params={"day": "2026-01-01"}))
    assert not good.select(".field-error") and not _shown(good)


async def test_admins_only(org, as_role):
    for role in ("safety", "staff", "driver", "office"):
        assert (await (await as_role(role)).get("/admin/audit")).status_code == 403, role
    menu = html(await (await as_role("admin")).get("/"))
    assert menu.select_one("nav a[href='/admin/audit']")
    assert not html(await (await as_role("safety")).get("/")).select_one("a[href='/admin/audit']")
