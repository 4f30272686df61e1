"""Case narratives, sealed at rest: every free-text field of a case is stored encrypted (Fernet:
AES-128-CBC with an HMAC, from ``cryptography``) under the district's case key, so a copy of the
database alone discloses no words about a child. The key comes from the settings
(``MUSTER_CASE_KEY``, or made on first run and kept with the data, like the session key); a
process without the right key refuses to start rather than show or lose anything
(``check_key``)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from tortoise import connections, fields
from tortoise.exceptions import OperationalError

from server.settings import Settings, SettingsError, check_case_key

_box: list[Fernet] = []  # the process's key, set once at start-up (``use_key``)


def use_key(key: str) -> None:
    """The key every sealed field uses from now on (checked by ``Settings.check``)."""
    _box[:] = [Fernet(check_case_key(key).encode())]


def _fernet() -> Fernet:
    if not _box:
        raise RuntimeError("the case key was not set: create_app sets it at start-up")
    return _box[0]


def seal(text: str) -> bytes:
    return _fernet().encrypt(text.encode())


def unseal(token: bytes) -> str:
    return _fernet().decrypt(bytes(token)).decode() if token else ""


class Sealed(fields.Field[str]):
    """Text held encrypted: a bytes column in the database, a ``str`` in Python. Bytes come only
    from the database (unsealed on reading); a ``str`` is text someone set (kept as it is).
    Never filtered on: a sealed value matches nothing (each seal differs)."""

    field_type = bytes  # what the database holds
    indexable = False
    SQL_TYPE = "BLOB"

    class _db_postgres:
        SQL_TYPE = "BYTEA"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default", str)  # empty text, sealed like any other (never in DDL)
        super().__init__(**kwargs)

    def to_db_value(self, value: Any, instance: Any) -> bytes | None:
        if value is None or isinstance(value, bytes | bytearray | memoryview):
            return None if value is None else bytes(value)
        return seal(str(value))

    def to_python_value(self, value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            return unseal(bytes(value))
        return value


NO_KEY = (
    "The database holds sealed threat assessment case records, but this process has no case "
    "key: MUSTER_CASE_KEY is unset and {path} was missing. Set MUSTER_CASE_KEY to the key the "
    "records were written with (or restore {path} from the backup of the data folder). Nothing "
    "was changed."
)
WRONG_KEY = (
    "MUSTER_CASE_KEY (or {path}) does not open the threat assessment case records in this "
    "database: they were sealed with another key. Set it to the key the records were written "
    "with. Nothing was changed."
)


async def check_key(settings: Settings) -> None:
    """Start-up: the key must open the sealed records already stored. A key made just now (none
    was given or kept) is taken back when records exist, so the next start says the same."""
    db = connections.get("default")
    try:
        _count, rows = await db.execute_query("SELECT subject FROM threat_case LIMIT 1")
    except OperationalError:  # not migrated yet: no case can exist
        return
    if not rows:
        return
    path = settings.data_dir / "case_key"
    if settings.case_key_made:
        path.unlink(missing_ok=True)
        raise SettingsError(NO_KEY.format(path=path))
    try:
        unseal(rows[0]["subject"])
    except InvalidToken:
        raise SettingsError(WRONG_KEY.format(path=path)) from None
