"""Bytes a phone downloads for the threat-call page: on a first visit, and on an offline revisit.

A real server on a fresh demo database; headless Chromium at phone size. A first visit starts with
an empty cache (signed in, never been to the page); bytes are what crossed the network,
compressed, for every request the page made. The offline revisit reloads the page with the server
stopped, after the service worker has kept it. Prints ``name: value`` lines; the headline
``ratio`` is the first visit's share of its 60 KB budget (at most 1.0 is on target).

    .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.sync import serve, sign_in

BUDGET = 60 * 1024
PAGE = "/checklists/threat-call"


def signed_in_cookie(url: str) -> dict:
    with httpx.Client(base_url=url) as http:
        sign_in(http, "office@demo.muster.test")
        return {"name": "muster_session", "value": http.cookies["muster_session"], "url": url}


def network_bytes(page, action) -> tuple[int, int]:
    """Compressed bytes and request count that reached the network while ``action`` ran."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, int] = {}
    from_cache: set[str] = set()
    cdp.on(
        "Network.responseReceived",
        lambda e: (
            (e["response"].get("fromServiceWorker") or e["response"].get("fromDiskCache"))
            and from_cache.add(e["requestId"])
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: seen.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    action()
    page.wait_for_timeout(1500)
    cdp.detach()
    real = {k: v for k, v in seen.items() if k not in from_cache}
    return sum(real.values()), len(real)


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        import os

        env = {
            **os.environ,
            "MUSTER_DATA_DIR": data,
            "DATABASE_URL": f"sqlite://{Path(data) / 'pages.sqlite3'}",
            "MUSTER_VAPID_CONTACT": "mailto:bench@example.org",  # required to serve
        }
        process, url = serve(env)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", chromium_sandbox=False
                )
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
                )
                context.add_cookies([signed_in_cookie(url)])
                page = context.new_page()
                first, first_requests = network_bytes(
                    page, lambda: page.goto(url + PAGE, wait_until="networkidle")
                )
                page.wait_for_function(
                    """async () => navigator.serviceWorker.controller &&
                    (await (await caches.open("muster-pages")).keys()).length > 2""",
                    timeout=20000,
                )
                process.terminate()
                process.wait()
                offline, offline_requests = network_bytes(page, lambda: page.reload())
                shown = page.locator("h1").inner_text()
                browser.close()
        finally:
            if process.poll() is None:
                process.terminate()
    print(f"first_visit_bytes: {first}")
    print(f"first_visit_requests: {first_requests}")
    print(f"offline_revisit_bytes: {offline}")
    print(f"offline_revisit_requests_to_network: {offline_requests}")
    print(f"offline_revisit_heading: {shown}")
    print(f"ratio: {first / BUDGET:.2f}")


if __name__ == "__main__":
    main()
