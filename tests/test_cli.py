"""The command line: migrate, seed-demo and create-admin on a fresh SQLite data folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(
    data_dir: Path, *args: str, password: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "MUSTER_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite://{data_dir / 'cli.sqlite3'}",
    }
    env.pop("MUSTER_ADMIN_PASSWORD", None)
    if password is not None:
        env["MUSTER_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def test_migrate_seed_and_create_admin(tmp_path):
    assert _run(tmp_path, "migrate").returncode == 0
    seeded = _run(tmp_path, "seed-demo")
    assert seeded.returncode == 0 and "driver@demo.muster.test" in seeded.stdout
    again = _run(tmp_path, "seed-demo")
    assert "already exists" in again.stdout

    db = sqlite3.connect(tmp_path / "cli.sqlite3")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("select count(*) from school").fetchone()[0] == 2
    kinds = {row[0] for row in db.execute("select kind from site")}
    assert kinds == {"campus", "depot", "venue"}
    assert db.execute("select count(*) from user").fetchone()[0] == 6  # one per role

    made = _run(
        tmp_path,
        "create-admin",
        "--email",
        "Boss@Example.org",
        "--name",
        "Boss",
        "--organisation",
        "Hill County Schools",
        password="long enough password",
    )
    assert made.returncode == 0, made.stderr
    row = db.execute(
        "select roles, password_hash from user where email='boss@example.org'"
    ).fetchone()
    assert row[0] == '["admin"]' and row[1].startswith("$argon2id$")

    short = _run(
        tmp_path,
        "create-admin",
        "--email",
        "b2@example.org",
        "--name",
        "B",
        "--organisation",
        "Hill County Schools",
        password="short",
    )
    assert short.returncode != 0 and "at least 10" in short.stderr
    taken = _run(
        tmp_path,
        "create-admin",
        "--email",
        "boss@example.org",
        "--name",
        "B",
        "--organisation",
        "X",
        password="long enough password",
    )
    assert taken.returncode != 0 and "already has an account" in taken.stderr


def test_create_admin_with_no_password_and_no_terminal_says_what_to_do(tmp_path):
    """No MUSTER_ADMIN_PASSWORD and nothing to type at: a plain message, not a traceback."""
    assert _run(tmp_path, "migrate").returncode == 0
    made = _run(
        tmp_path,
        "create-admin",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
        "--organisation",
        "Hill County Schools",
        stdin="",
    )
    assert made.returncode != 0
    assert "MUSTER_ADMIN_PASSWORD" in made.stderr and "Traceback" not in made.stderr
    db = sqlite3.connect(tmp_path / "cli.sqlite3")
    assert db.execute("select count(*) from user where email='boss@example.org'").fetchone() == (0,)
