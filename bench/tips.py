"""The anonymous tip line on a real server: what a tipster's phone downloads for the page (no
script, so the page and its stylesheet), and how long sending a tip takes, plain and urgent (an
urgent one also writes the team's alert), and opening a thread with the code.

A fresh demo database; each tip from its own address (X-Forwarded-For, trusted from 127.0.0.1
as behind a proxy), so the per-address limit never applies. Prints ``name: value`` lines; the
headline ``ratio`` is the urgent tip's median over a 300 ms budget (at most 1.0 is on target).

    .venv/bin/python bench/tips.py [--tips 30]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.sync import PUSH, serve, sign_in

BUDGET_MS = 300
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def line_url(url: str) -> str:
    with httpx.Client(base_url=url) as http:  # the poster makes the district's line
        sign_in(http, "admin@demo.muster.test")
        return re.search(r'id="tip-link">([^<]+)<', http.get("/tips/poster").text)[1].strip()


def page_bytes(link: str) -> int:
    """Compressed bytes of the page and its stylesheet, as a phone fetches them."""
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as http:
        page = http.get(link)
        total = page.num_bytes_downloaded
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text):
            total += http.get(httpx.URL(link).join(href)).num_bytes_downloaded
    return total


def send_times(link: str, count: int, urgent: bool, first: int) -> tuple[list[float], list[str]]:
    times, codes = [], []
    for i in range(count):
        address = {"X-Forwarded-For": f"198.51.100.{first + i}"}
        with httpx.Client(headers=address, timeout=30) as http:
            token = TOKEN.search(http.get(link).text)[1]
            form = {"urgent": "yes" if urgent else "no", "what": f"Bench tip {i}"}
            start = time.perf_counter()
            sent = http.post(link, data={**form, "csrf_token": token})
            times.append((time.perf_counter() - start) * 1000)
            codes.append(re.search(r'id="tip-code">([^<]+)<', sent.text)[1])
    return times, codes


def open_times(link: str, codes: list[str]) -> list[float]:
    times = []
    for i, code in enumerate(codes):
        with httpx.Client(headers={"X-Forwarded-For": f"198.51.101.{i}"}, timeout=30) as http:
            token = TOKEN.search(http.get(f"{link}/follow-up").text)[1]
            start = time.perf_counter()
            opened = http.post(f"{link}/follow-up", data={"code": code, "csrf_token": token})
            assert opened.status_code == 303, opened.status_code
            times.append((time.perf_counter() - start) * 1000)
    return times


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "MUSTER_DATA_DIR": data,
            "DATABASE_URL": f"sqlite://{Path(data) / 'bench.sqlite3'}",
            "MUSTER_PUSH_WORKER": "0",
            **PUSH,
        }
        process, url = serve(env)
        try:
            link = line_url(url)
            size = page_bytes(link)
            plain, codes = send_times(link, count, urgent=False, first=1)
            urgent, _codes = send_times(link, count, urgent=True, first=1 + count)
            opened = open_times(link, codes)
        finally:
            process.terminate()
            process.wait()
    print(f"tips: {count} plain, {count} urgent (SQLite)")
    print(f"page_kb: {size / 1024:.1f}")
    print(f"send_plain_ms_median: {statistics.median(plain):.0f}")
    print(f"send_urgent_ms_median: {statistics.median(urgent):.0f}")
    print(f"send_urgent_ms_max: {max(urgent):.0f}")
    print(f"open_with_code_ms_median: {statistics.median(opened):.0f}")
    print(f"ratio: {statistics.median(urgent) / BUDGET_MS:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tips", type=int, default=30)
    main(parser.parse_args().tips)
