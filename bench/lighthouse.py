"""Lighthouse (mobile) on the field pages, signed in, against a real server on a fresh demo
database.

Each page is audited three times; the median of each category (performance, accessibility, best
practices) and of cumulative layout shift is printed as ``name: value`` lines, then the lowest of
each across pages. Targets: performance >= 98, accessibility 100, best practices 100, layout
shift 0.

Lighthouse 12.2.3 comes from npm (13.x needs Node 22); it is installed into bench/.lighthouse on
first use, and runs Debian's Chromium (see shared/docs/platform-notes.md).

    .venv/bin/python bench/lighthouse.py [--runs 3] [--only call-script]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.sync import serve, sign_in  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"
TOOL = ROOT / "bench" / ".lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100}

# (name, person, path); a trip page's path is found once the demo trip exists.
PAGES = [
    ("home-office", "office", "/"),
    ("home-driver", "driver", "/"),
    ("home-staff", "staff", "/"),
    ("home-safety", "safety", "/"),
    ("home-admin", "admin", "/"),
    ("call-script", "office", "/checklists/threat-call"),
    ("bleeding-control", "staff", "/checklists/bleeding-control"),
    ("bus-check", "driver", "/checklists/bus-pre-route"),
    ("report-form", "staff", "/reports/new"),
    ("trip", "staff", None),
]


def lighthouse() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "i",
                "-E",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(TOOL),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    return binary


def session(url: str, person: str) -> tuple[str, httpx.Client]:
    http = httpx.Client(base_url=url, timeout=30)
    sign_in(http, f"{person}@demo.muster.test")
    return f"muster_session={http.cookies['muster_session']}", http


def trip_path(http: httpx.Client) -> str:
    found = re.search(r"(/trips/\d+)\b", http.get("/").text)  # kept offline for its chaperone
    if not found:
        raise RuntimeError("the demo has no trip for staff@ today")
    return found[1]


def audit(binary: Path, url: str, cookie: str, keep: Path | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        report = keep or Path(out) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
            capture_output=True,
            timeout=180,
        )
        data = json.loads(report.read_text())
    figures = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    figures["layout-shift"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
    failing = {
        ref["id"]
        for name in CATEGORIES
        for ref in data["categories"][name]["auditRefs"]
        if ref.get("weight")
        and data["audits"][ref["id"]].get("score") is not None
        and data["audits"][ref["id"]]["score"] < 1
    }
    figures["failing"] = sorted(failing)  # type: ignore[assignment]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="audit only this page name")
    parser.add_argument("--reports", type=Path, help="keep each Lighthouse report in this folder")
    args = parser.parse_args()
    binary = lighthouse()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "MUSTER_DATA_DIR": data,
            "DATABASE_URL": f"sqlite://{Path(data) / 'lighthouse.sqlite3'}",
            "MUSTER_VAPID_CONTACT": "mailto:bench@example.org",  # required to serve
        }
        process, url = serve(env)
        lowest: dict[str, float] = {}
        try:
            for name, person, path in PAGES:
                if args.only and name != args.only:
                    continue
                cookie, http = session(url, person)
                path = path or trip_path(http)
                http.get(path)  # warm: the first request after start compiles its templates
                if args.reports:
                    args.reports.mkdir(parents=True, exist_ok=True)
                runs = [
                    audit(
                        binary,
                        url + path,
                        cookie,
                        args.reports and args.reports / f"{name}-{n}.json",
                    )
                    for n in range(args.runs)
                ]
                for key in (*CATEGORIES, "layout-shift"):
                    value = statistics.median(run[key] for run in runs)
                    print(f"{name}.{key}: {value:g}", flush=True)
                    if key == "layout-shift":
                        lowest[key] = max(lowest.get(key, 0), value)
                    else:
                        lowest[key] = min(lowest.get(key, 100), value)
                missed = sorted({audit_id for run in runs for audit_id in run["failing"]})
                if missed:
                    print(f"{name}.audits-below-full-score: {' '.join(missed)}", flush=True)
        finally:
            process.terminate()
            process.wait(timeout=15)
        for key, value in lowest.items():
            print(f"worst.{key}: {value:g}")
        met = all(lowest.get(k, 0) >= v for k, v in TARGETS.items()) and not lowest.get(
            "layout-shift", 1
        )
        print(f"targets_met: {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
