"""Every setting Muster reads from the environment, in one place.

Nothing else in the package touches ``os.environ``; the README's configuration table lists each
variable below, and a test fails when one is missing from it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (default, what it does); the single source for the README table test.
DOCUMENTED = {
    "MUSTER_DATA_DIR": ("./data", "Folder for the SQLite database, the secret key and uploads."),
    "DATABASE_URL": (
        "sqlite://<MUSTER_DATA_DIR>/muster.sqlite3",
        "Tortoise database URL; postgres://user@host:5432/name to use PostgreSQL.",
    ),
    "MUSTER_SECRET_KEY": (
        "generated into <MUSTER_DATA_DIR>/secret_key",
        "Signs session cookies. Set the same value on every web process.",
    ),
    "MUSTER_DEBUG": ("0", "1 reloads templates and assets on change. Never in production."),
    "MUSTER_SESSION_HOURS": ("12", "How long a sign-in lasts."),
    "MUSTER_THROTTLE_ACCOUNT": ("5", "Failed sign-ins per account allowed in the window."),
    "MUSTER_THROTTLE_ADDRESS": ("20", "Failed sign-ins per client address allowed in the window."),
    "MUSTER_THROTTLE_WINDOW_MINUTES": ("15", "Window for the sign-in throttle."),
    "MUSTER_DEFAULT_LOCALE": ("en", "Language when neither the person nor the browser says."),
    "MUSTER_REPORT_ALERT_METRES": (
        "500",
        "A report this close to a campus alerts that school's safety team; 0 turns it off.",
    ),
    "MUSTER_CORRELATE_METRES": ("500", "Reports of the same kind this close are linked."),
    "MUSTER_CORRELATE_HOURS": ("2", "...and this close in time."),
    "MUSTER_GEOCODER_URL": (
        "(empty: off)",
        "The district's own Nominatim, for place names on reports; never blocks a report.",
    ),
    "MUSTER_MAP_TILES": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tile URL template; empty draws maps on a plain background.",
    ),
    "MUSTER_MAP_ATTRIBUTION": ("© OpenStreetMap contributors", "Credit shown under the tiles."),
    "MUSTER_TIMEZONE": (
        "UTC",
        "The district's time zone, e.g. America/Los_Angeles: trip times are entered in it.",
    ),
    "MUSTER_TRIP_WATCH_SECONDS": (
        "60",
        "How often each web process checks trips for late check-ins and lost-student countdowns.",
    ),
}


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _secret_key(data_dir: Path) -> str:
    """The key from the environment, else one made on first run and kept with the data."""
    given = os.environ.get("MUSTER_SECRET_KEY")
    if given:
        return given
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    # Several web workers may start at once on a fresh data folder: each writes a candidate and
    # links it into place; the link fails for all but the first, and every worker reads the winner.
    data_dir.mkdir(parents=True, exist_ok=True)
    candidate = data_dir / f"secret_key.{os.getpid()}"
    candidate.write_text(secrets.token_urlsafe(48))
    candidate.chmod(0o600)
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool = False
    session_hours: int = 12
    throttle_account: int = 5
    throttle_address: int = 20
    throttle_window_minutes: int = 15
    default_locale: str = "en"
    report_alert_metres: float = 500
    correlate_metres: float = 500
    correlate_hours: float = 2
    geocoder_url: str = ""
    map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© OpenStreetMap contributors"
    timezone: str = "UTC"
    trip_watch_seconds: float = 60
    locales: tuple[str, ...] = field(default=("en", "es"))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    data_dir = Path(_env("MUSTER_DATA_DIR", str(ROOT / "data"))).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", f"sqlite://{data_dir / 'muster.sqlite3'}"),
        secret_key=_secret_key(data_dir),
        debug=_env("MUSTER_DEBUG", "0") == "1",
        session_hours=int(_env("MUSTER_SESSION_HOURS", "12")),
        throttle_account=int(_env("MUSTER_THROTTLE_ACCOUNT", "5")),
        throttle_address=int(_env("MUSTER_THROTTLE_ADDRESS", "20")),
        throttle_window_minutes=int(_env("MUSTER_THROTTLE_WINDOW_MINUTES", "15")),
        default_locale=_env("MUSTER_DEFAULT_LOCALE", "en"),
        report_alert_metres=float(_env("MUSTER_REPORT_ALERT_METRES", "500")),
        correlate_metres=float(_env("MUSTER_CORRELATE_METRES", "500")),
        correlate_hours=float(_env("MUSTER_CORRELATE_HOURS", "2")),
        geocoder_url=_env("MUSTER_GEOCODER_URL", ""),
        map_tiles=_env("MUSTER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        map_attribution=_env("MUSTER_MAP_ATTRIBUTION", "© OpenStreetMap contributors"),
        timezone=_env("MUSTER_TIMEZONE", "UTC"),
        trip_watch_seconds=float(_env("MUSTER_TRIP_WATCH_SECONDS", "60")),
    )
