"""The installable app: manifest, service worker, offline page, the pages kept for offline use."""

from __future__ import annotations

import json
import re
from io import BytesIO

from server.models import Organisation
from server.pwa import service_worker_source
from tests.helpers import html

PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    assert data.startswith(PNG)
    header = BytesIO(data[16:24]).read()
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")


async def test_the_manifest_makes_an_installable_app(client, as_role):
    response = await client.http.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"]
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])

    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        image = await client.http.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        width, height = png_size(image.content)
        assert f"{width}x{height}" == icon["sizes"]

    office = await as_role("office")
    shortcuts = {s["name"]: s["url"] for s in manifest["shortcuts"]}
    assert shortcuts == {
        "Threatening call": "/checklists/threat-call",
        "Bleeding control": "/checklists/bleeding-control",
        "Report something suspicious": "/reports/new",
    }
    for url in shortcuts.values():
        assert (await office.http.get(url)).status_code == 200


async def test_the_manifest_speaks_the_persons_language(client):
    response = await client.http.get("/manifest.webmanifest", headers={"Accept-Language": "es"})
    manifest = response.json()
    assert manifest["lang"] == "es"
    assert "Control de sangrado" in {s["name"] for s in manifest["shortcuts"]}


async def test_the_service_worker_is_assembled_with_a_content_version(client, app):
    response = await client.http.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    source = response.text
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', source)
    assert version
    for part in ("install", "activate", "fetch", "sync", "message"):
        assert f'addEventListener("{part}"' in source
    assert "skipWaiting" in source and 'data.type === "skip-waiting"' in source  # only on request

    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source, re.S).group(1))
    assert "/offline" in precache
    wanted = {"css/app.css", "js/outbox-core.js", "js/app.js", "vendor/htmx.js"}
    names = {re.sub(r"^/static/[0-9a-f]+/", "", url) for url in precache}
    assert wanted <= names and "icons/maskable-512.png" in names
    for url in precache:  # the install fails if any one of these does: every one must answer
        assert (await client.http.get(url)).status_code == 200, url
    # The same files give the same version; the version is what a deploy changes.
    assert service_worker_source(app.state.assets, "/sign-out") == source
    assert 'const SIGN_OUT_URL = "/sign-out";' in source


async def test_the_offline_page_is_public_and_has_no_personal_data(client):
    response = await client.http.get("/offline")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1").get_text() == "No connection"
    assert page.select_one("body")["data-offline-pages"] == "[]"
    assert page.select_one("main a.button")["href"] == "/"


async def test_each_person_keeps_the_pages_their_roles_need(as_role, org):
    driver = html(await (await as_role("driver")).http.get("/"))
    pages = json.loads(driver.select_one("body")["data-offline-pages"])
    assert pages[:2] == ["/", "/outbox"]
    assert "/checklists/bus-pre-route" in pages and "/checklists/bleeding-control" in pages
    assert "/checklists/bus-post-route" in pages and "/actions" in pages
    # Whoever picks up a phone may take a threatening call: the script is kept for everyone,
    # and for no one the district leaves out.
    assert "/checklists/threat-call" in pages
    await Organisation.filter(id=org.organisation.id).update(call_script_roles=["office"])
    driver = html(await (await as_role("driver")).http.get("/"))
    assert "/checklists/threat-call" not in json.loads(
        driver.select_one("body")["data-offline-pages"]
    )
    office = html(await (await as_role("office")).http.get("/"))
    assert "/checklists/threat-call" in json.loads(office.select_one("body")["data-offline-pages"])
    # the bomb threat's checklist after the call: kept by those who decide, not by the driver
    assert "/checklists/bomb-threat-management" in json.loads(
        office.select_one("body")["data-offline-pages"]
    )
    assert "/checklists/bomb-threat-management" not in pages


async def test_the_outbox_page_carries_its_words_for_the_script(as_role):
    page = html(await (await as_role("staff")).http.get("/outbox"))
    status = page.select_one("#sync-status")
    for key in ("data-all-sent", "data-saved-many", "data-offline", "data-attention-one"):
        assert status[key]
    assert "%(n)s" in status["data-saved-many"]
    labels = json.loads(page.select_one("#outbox-page")["data-type-labels"])
    assert labels["note.recorded"]
    assert not page.select("script:not([src])")  # no inline script: the CSP forbids it
