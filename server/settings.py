"""Every setting Muster reads from the environment, in one place.

Nothing else in the package touches ``os.environ``; the README's configuration table lists each
variable below, and a test fails when one is missing from it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
    "MUSTER_VAPID_CONTACT": (
        "none: required (`run` uses mailto:admin@demo.muster.test)",
        "Who push services may contact about our alerts (the VAPID `sub` claim): a mailto: or "
        "https: URL. Checked at start-up.",
    ),
    "MUSTER_VAPID_PRIVATE_KEY": (
        "generated into <MUSTER_DATA_DIR>/vapid_private.pem",
        "The VAPID key that signs push requests (PEM, or the base64url raw key). Every web "
        "process needs the same one: changing it stops every phone's subscription.",
    ),
    "MUSTER_CASE_KEY": (
        "generated into <MUSTER_DATA_DIR>/case_key",
        "Seals threat assessment case narratives at rest (a Fernet key). Every web process needs "
        "the same one, and so does every backup: without it the case records can't be read.",
    ),
    "MUSTER_PUSH_WORKER": (
        "1",
        "0: this process does not send push alerts (another process runs the delivery worker).",
    ),
    "MUSTER_PUBLIC_URL": (
        "(empty)",
        "The address people open Muster at, e.g. https://muster.district.example: SMS and email "
        "link to the alert page with it, and the SMS gateway's signature is checked against it.",
    ),
    "MUSTER_SMTP_HOST": (
        "(empty: email off)",
        "The SMTP server that sends email alerts and codes.",
    ),
    "MUSTER_SMTP_PORT": ("587", "Its port."),
    "MUSTER_SMTP_TLS": ("starttls", "starttls, tls (implicit, port 465) or none."),
    "MUSTER_SMTP_USER": ("(empty: no sign-in)", "The SMTP account's name."),
    "MUSTER_SMTP_PASSWORD": ("(empty)", "...and its password."),
    "MUSTER_SMTP_FROM": (
        "(required with a host)",
        'The sender, e.g. "Muster <alerts@district.example>".',
    ),
    "MUSTER_SMS_URL": (
        "(empty: SMS off)",
        "The SMS gateway's send URL. The request is the form most US gateways accept: POST, "
        "form fields To, From, Body, HTTP Basic sign-in; e.g. "
        "https://api.twilio.com/2010-04-01/Accounts/<account>/Messages.json.",
    ),
    "MUSTER_SMS_ACCOUNT": ("(empty)", "The gateway account (Basic sign-in's name)."),
    "MUSTER_SMS_TOKEN": (
        "(empty)",
        "The gateway's secret: Basic sign-in's password, and the key of the HMAC-SHA1 signature "
        "(X-Twilio-Signature) on the replies it posts to /api/sms/inbound.",
    ),
    "MUSTER_SMS_FROM": ("(required with a URL)", "The number SMS come from, E.164 (+15550100)."),
}

DEMO_VAPID_CONTACT = "mailto:admin@demo.muster.test"


class SettingsError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _kept(path: Path, make: Callable[[], str]) -> str:
    """The text in ``path``, made on first use and kept with the data."""
    if path.exists():
        return path.read_text().strip()
    # Several web workers may start at once on a fresh data folder: each writes a candidate and
    # links it into place; the link fails for all but the first, and every worker reads the winner.
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.parent / f"{path.name}.{os.getpid()}"
    candidate.write_text(make())
    candidate.chmod(0o600)
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()


def _secret_key(data_dir: Path) -> str:
    """The key from the environment, else one made on first run and kept with the data."""
    given = os.environ.get("MUSTER_SECRET_KEY")
    if given:
        return given
    return _kept(data_dir / "secret_key", lambda: secrets.token_urlsafe(48))


def _new_vapid_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _vapid_key(data_dir: Path) -> str:
    given = os.environ.get("MUSTER_VAPID_PRIVATE_KEY")
    if given:
        return given.strip()
    return _kept(data_dir / "vapid_private.pem", _new_vapid_key)


def _case_key(data_dir: Path) -> tuple[str, bool]:
    """The case key from the environment, else the kept one, else one made now (and whether it
    was made now: ``server.cases.sealing.check_key`` takes it back when sealed records exist)."""
    given = os.environ.get("MUSTER_CASE_KEY")
    if given:
        return given.strip(), False
    path = data_dir / "case_key"
    existed = path.exists()

    def make() -> str:
        from cryptography.fernet import Fernet

        return Fernet.generate_key().decode()

    return _kept(path, make), not existed


def check_vapid_contact(value: str) -> str:
    """A mailto: or https: URL: Apple's push service refuses anything else."""
    parsed = urlsplit(value)
    ok = (parsed.scheme == "mailto" and "@" in parsed.path and " " not in value) or (
        parsed.scheme == "https" and bool(parsed.netloc)
    )
    if not ok:
        raise SettingsError(
            "MUSTER_VAPID_CONTACT must be a mailto: or https: URL that push services can use to "
            "reach the district, e.g. mailto:safety@district.example "
            f"(it is {value!r})."
        )
    return value


def check_vapid_key(value: str) -> str:
    """A P-256 private key that ``server.push.vapid`` can load: else every web worker would stop
    with a traceback instead of one clear message."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from server.push.vapid import load_key

    try:
        curve = load_key(value).private_key.curve
    except Exception:  # whatever the key library makes of it, it is not a key we can use
        curve = None
    if not isinstance(curve, ec.SECP256R1):
        raise SettingsError(
            "MUSTER_VAPID_PRIVATE_KEY is not a P-256 (prime256v1) private key: give a PEM key or "
            "the base64url raw key a VAPID tool prints, or unset it to have one made in "
            "MUSTER_DATA_DIR."
        )
    return value


def check_case_key(value: str) -> str:
    """A Fernet key (32 bytes, url-safe base64): else sealing the first case would fail."""
    from cryptography.fernet import Fernet

    try:
        Fernet(value.encode())
    except (ValueError, TypeError):
        raise SettingsError(
            "MUSTER_CASE_KEY is not a case key: it must be 32 bytes in url-safe base64, as "
            "`python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'` "
            "prints. Unset it to have one made in MUSTER_DATA_DIR (on a new database only)."
        ) from None
    return value


def check_timezone(value: str) -> str:
    """A zone the tz database knows: every page, trip window and day filter reads it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            "MUSTER_TIMEZONE must be a time zone name from the tz database, e.g. "
            f"America/Los_Angeles or Europe/Madrid (it is {value!r})."
        ) from None
    return value


def check_channels(settings: Settings) -> None:
    """Email and SMS: each off, or given all it needs."""
    if settings.smtp_tls not in ("starttls", "tls", "none"):
        raise SettingsError(
            f"MUSTER_SMTP_TLS must be starttls, tls or none (it is {settings.smtp_tls!r})."
        )
    if settings.smtp_host and "@" not in settings.smtp_from:
        raise SettingsError("MUSTER_SMTP_FROM must name the sender's address when email is on.")
    if settings.sms_url:
        if not settings.sms_from.startswith("+"):
            raise SettingsError("MUSTER_SMS_FROM must be the sending number in E.164 (+1555...).")
        if not settings.sms_token:
            raise SettingsError("MUSTER_SMS_TOKEN is required when SMS is on.")


def use_demo_defaults() -> None:
    """For ``python -m server run`` (the try-it command): a demo push contact when none is set."""
    os.environ.setdefault("MUSTER_VAPID_CONTACT", DEMO_VAPID_CONTACT)


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
    vapid_contact: str = ""
    vapid_private_key: str = ""
    push_worker: bool = True
    case_key: str = ""
    case_key_made: bool = False  # made by this process: no key was given or kept
    public_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    sms_url: str = ""
    sms_account: str = ""
    sms_token: str = ""
    sms_from: str = ""

    def check(self) -> None:
        """What the app needs before it serves; raises SettingsError naming the setting."""
        check_timezone(self.timezone)
        check_vapid_contact(self.vapid_contact)
        check_vapid_key(self.vapid_private_key)
        check_case_key(self.case_key)
        check_channels(self)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    data_dir = Path(_env("MUSTER_DATA_DIR", str(ROOT / "data"))).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    case_key, case_key_made = _case_key(data_dir)
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
        vapid_contact=_env("MUSTER_VAPID_CONTACT", "").strip(),
        vapid_private_key=_vapid_key(data_dir),
        push_worker=_env("MUSTER_PUSH_WORKER", "1") != "0",
        case_key=case_key,
        case_key_made=case_key_made,
        public_url=_env("MUSTER_PUBLIC_URL", "").rstrip("/"),
        smtp_host=_env("MUSTER_SMTP_HOST", ""),
        smtp_port=int(_env("MUSTER_SMTP_PORT", "587")),
        smtp_tls=_env("MUSTER_SMTP_TLS", "starttls"),
        smtp_user=_env("MUSTER_SMTP_USER", ""),
        smtp_password=_env("MUSTER_SMTP_PASSWORD", ""),
        smtp_from=_env("MUSTER_SMTP_FROM", ""),
        sms_url=_env("MUSTER_SMS_URL", ""),
        sms_account=_env("MUSTER_SMS_ACCOUNT", ""),
        sms_token=_env("MUSTER_SMS_TOKEN", ""),
        sms_from=_env("MUSTER_SMS_FROM", ""),
    )
