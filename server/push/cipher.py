"""Encryption on another core. Each push message needs its own elliptic-curve key agreement and
AES-GCM pass; the library holds the GIL while it works, so threads don't help, and inline it
takes the event loop's core from posting and bookkeeping. One helper process per app process
encrypts a claim's messages while the loop posts the previous claim's.

With one CPU (or if the helper can't start or dies) encryption runs inline, as before."""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from server.push.send import encrypt_all

log = logging.getLogger("muster.push")
_pool: ProcessPoolExecutor | None = None
_failed = False


def _helper() -> ProcessPoolExecutor | None:
    global _pool, _failed
    if _pool is None and not _failed and (os.cpu_count() or 1) > 1:
        try:
            # spawn, not fork: forking a process that runs an event loop and database
            # connections copies them half-way through whatever they were doing
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        except (OSError, ValueError):
            log.exception("no encryption helper process; encrypting inline")
            _failed = True
    return _pool


def encrypt_inline() -> None:
    """Encrypt on the event loop's own core from now on, as with one CPU (bench/push.py measures
    the fan-out both ways)."""
    global _pool, _failed
    if _pool is not None:
        _pool.shutdown(wait=True)
    _pool, _failed = None, True


def encrypt_in_helper() -> None:
    """Back to the helper process, started again at the next encryption (bench/push.py takes
    turns between the two ways)."""
    global _failed
    _failed = False


async def warm_up() -> None:
    """Start the helper now, so the first alert doesn't wait for it."""
    await encrypt_many([])


async def encrypt_many(jobs: list[tuple[bytes, str, str]]) -> list[bytes | str]:
    global _pool
    pool = _helper()
    if pool is None or not jobs:
        return encrypt_all(jobs)
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, encrypt_all, jobs)
    except BrokenProcessPool:  # the helper died (killed, out of memory): go on without it
        log.warning("encryption helper process died; encrypting inline until the next start")
        _pool = None
        return encrypt_all(jobs)
