"""Which failures are passing ones: the database unreachable, busy or timing out. Only those
are worth a phone sending the same event again; any other failure would fail the same way."""

from __future__ import annotations

import sqlite3

from asyncpg import exceptions as pg

_PASSING = (
    ConnectionError,
    TimeoutError,
    pg.PostgresConnectionError,  # connection lost or refused
    pg.TransactionRollbackError,  # deadlock, serialization failure
    pg.LockNotAvailableError,  # lock_timeout
    pg.OperatorInterventionError,  # statement timeout, shutting down, not accepting yet
    pg.InsufficientResourcesError,  # too many connections, disk full
)
_SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error")


def transient(error: BaseException) -> bool:
    """True when ``error``, or what it was raised from, is a passing fault."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _PASSING):
            return True
        if isinstance(current, sqlite3.OperationalError) and any(
            words in str(current).lower() for words in _SQLITE_BUSY
        ):
            return True
        # Tortoise wraps the driver's error: raise OperationalError(exc) inside the except
        wrapped = [a for a in current.args if isinstance(a, BaseException)]
        current = current.__cause__ or (wrapped[0] if wrapped else current.__context__)
    return False
