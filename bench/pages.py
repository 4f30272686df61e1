"""Bytes a phone downloads for the threat-call page and a lesson page: on a first visit, and on an
offline revisit.

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
# Each page from an empty cache in its own browser context; the threat-call page's lines come
# first and unprefixed (the headline), the lesson page's prefixed ``lesson_``.
PAGES = {"threat-call": "/checklists/threat-call", "lesson": "/lessons/bus-security"}


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
                first_visits = {}
                for name, path in PAGES.items():
                    context = browser.new_context(
                        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
                    )
                    context.add_cookies([signed_in_cookie(url)])
                    page = context.new_page()
                    first_visits[name] = (
                        page,
                        *network_bytes(
                            page,
                            lambda p=page, a=url + path: p.goto(a, wait_until="networkidle"),
                        ),
                    )
                    page.wait_for_function(
                        """async (path) => navigator.serviceWorker.controller &&
                        (await (await caches.open("muster-pages")).keys())
                            .some((request) => new URL(request.url).pathname === path)""",
                        arg=path,
                        timeout=20000,
                    )
                process.terminate()
                process.wait()
                results = {}
                for name, (page, first, first_requests) in first_visits.items():
                    offline, offline_requests = network_bytes(page, lambda p=page: p.reload())
                    shown = page.locator("h1").inner_text()
                    results[name] = (first, first_requests, offline, offline_requests, shown)
                browser.close()
        finally:
            if process.poll() is None:
                process.terminate()
    for name, (first, first_requests, offline, offline_requests, shown) in results.items():
        prefix = "" if name == "threat-call" else f"{name}_"
        print(f"{prefix}first_visit_bytes: {first}")
        print(f"{prefix}first_visit_requests: {first_requests}")
        print(f"{prefix}offline_revisit_bytes: {offline}")
        print(f"{prefix}offline_revisit_requests_to_network: {offline_requests}")
        print(f"{prefix}offline_revisit_heading: {shown}")
        print(f"{prefix}ratio: {first / BUDGET:.2f}")


if __name__ == "__main__":
    main()
