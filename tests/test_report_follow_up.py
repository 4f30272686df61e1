"""A report's follow-up by the safety team: status, owner, notes, police case number and school,
each change audited; shown in the list, filtered by status; refused with a 4xx, never a 500."""

from __future__ import annotations

import csv
import io

from server.models import AuditLog
from server.reports.models import Report, ReportStatus
from tests.helpers import html, unlinked_errors


async def test_the_team_follows_a_report_up_and_every_change_is_audited(as_role, org):
    safety = await as_role("safety")
    url = f"/reports/{org.report.id}"
    page = html(await safety.get(url))
    form = page.select_one(f'form[action$="{url}/follow-up"]')
    assert form.select_one("#fu-status option[selected]")["value"] == "new"
    owners = {o.get_text() for o in form.select("#fu-owner option")}
    assert org.users["safety"].name in owners and org.users["admin"].name in owners
    assert org.users["staff"].name not in owners  # only the team owns follow-up
    sent = await safety.post(
        f"{url}/follow-up",
        {
            "status": "reviewing",
            "owner": org.users["safety"].id,
            "notes": "Called the bus company.\r\nPlate passed to police.",
            "case_number": "SPD-2026-0412",
            "school": org.other_school.id,
        },
    )
    assert sent.status_code == 303
    report = await Report.get(id=org.report.id)
    assert report.status == ReportStatus.REVIEWING and report.owner_id == org.users["safety"].id
    assert report.notes == "Called the bus company.\nPlate passed to police."  # CR LF as LF
    assert report.case_number == "SPD-2026-0412" and report.school_id == org.other_school.id
    logged = await AuditLog.get(action="report.followed_up", record_id=str(org.report.id))
    assert logged.actor_id == org.users["safety"].id
    assert logged.detail["changes"]["status"] == ["new", "reviewing"]
    assert logged.detail["changes"]["school_id"] == [org.school.id, org.other_school.id]
    shown = html(await safety.get(url))
    assert "Follow-up saved." in shown.select_one(".flash").get_text()
    assert "SPD-2026-0412" in shown.select_one("dl.facts").get_text()

    admin = await as_role("admin")
    await admin.post(
        f"{url}/follow-up",
        {
            "status": "closed",
            "owner": org.users["safety"].id,
            "case_number": "SPD-2026-0412",
            "notes": report.notes,
            "school": org.other_school.id,
        },
    )
    mine = AuditLog.filter(action="report.followed_up", record_id=str(org.report.id))
    again = await mine.order_by("id")
    assert len(again) == 2 and again[-1].detail["changes"] == {"status": ["reviewing", "closed"]}
    # saving with nothing changed writes nothing
    await admin.post(
        f"{url}/follow-up",
        {
            "status": "closed",
            "owner": org.users["safety"].id,
            "case_number": "SPD-2026-0412",
            "notes": report.notes,
            "school": org.other_school.id,
        },
    )
    assert await mine.count() == 2


async def test_status_shows_in_the_list_filters_it_and_goes_in_the_export(as_role, org):
    safety = await as_role("safety")
    await safety.post(
        f"/reports/{org.report.id}/follow-up",
        {"status": "closed", "case_number": "SPD-77", "owner": org.users["admin"].id},
    )
    card = html(await safety.get("/reports")).select_one("#reports-list .report-status")
    assert "Closed" in card.get_text() and "SPD-77" in card.get_text()
    assert org.users["admin"].name in card.get_text()

    def listed(page) -> list[str]:
        return [a["href"].rsplit("/", 1)[-1] for a in html(page).select("#reports-list h2 a")]

    assert listed(await safety.get("/reports?status=closed")) == [str(org.report.id)]
    assert listed(await safety.get("/reports?status=new")) == []
    assert listed(await safety.get(f"/reports?owner={org.users['admin'].id}")) == [
        str(org.report.id)
    ]
    assert listed(await safety.get("/reports?q=spd-77")) == [str(org.report.id)]
    rows = list(csv.DictReader(io.StringIO((await safety.get("/reports.csv?status=closed")).text)))
    assert [(r["follow-up"], r["police case number"]) for r in rows] == [("closed", "SPD-77")]
    spanish = await as_role("safety")
    await spanish.post("/language", {"locale": "es", "next": "/reports"})
    assert "Cerrado" in html(await spanish.get("/reports")).select_one(".report-status").get_text()


async def test_bad_follow_up_is_refused_with_a_4xx_never_a_500(as_role, org, other_org):
    safety = await as_role("safety")
    url = f"/reports/{org.report.id}/follow-up"
    cases = [
        {"status": "solved"},
        {},
        {"status": "new", "owner": org.users["staff"].id},  # not on the team
        {"status": "new", "owner": other_org.users["safety"].id},  # another district's
        {"status": "new", "school": other_org.school.id},
        {"status": "new", "owner": "abc"},
        {"status": "new", "owner": "99999999999999999999"},
        {"status": "new", "case_number": "x" * 61},
        {"status": "new", "notes": "a\x00b"},
        {"status": "new", "notes": "bell\x07"},
        {"status": "new", "extra": "1"},
    ]
    for data in cases:
        response = await safety.post(url, data)
        assert response.status_code == 422, (data, response.status_code)
        assert html(response).select_one(".error-summary"), data
        assert unlinked_errors(html(response)) == [], data
    kept = await Report.get(id=org.report.id)
    assert kept.status == ReportStatus.NEW and kept.owner_id is None
    # typed notes come back to be fixed, not lost
    back = html(
        await safety.post(url, {"status": "new", "notes": "keep me", "case_number": "x" * 61})
    )
    assert back.select_one("#fu-notes").get_text() == "keep me"
    # another district's report: 404; staff: no
    assert (
        await safety.post(f"/reports/{other_org.report.id}/follow-up", {"status": "closed"})
    ).status_code == 404
    staff = await as_role("staff")
    assert (await staff.post(url, {"status": "closed"})).status_code in (403, 404)
    followed = AuditLog.filter(action="report.followed_up", record_id=str(org.report.id))
    assert await followed.count() == 0
