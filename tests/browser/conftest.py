"""Browser tests: headless Debian Chromium driven by Playwright against a real server process.

The server runs as ``python -m server serve`` on a fixed port for the whole session (a service
worker and IndexedDB belong to one exact origin, so a restart must reuse the port), on its own
fresh database: SQLite in a temporary folder, or a new PostgreSQL database when the suite runs on
PostgreSQL.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from server.demo import DEMO_PASSWORD
from tests.browser.helpers import LAUNCH_ARGS, PHONE, LiveServer, SmsGateway, query, run_async
from tests.conftest import POSTGRES_SERVER, TEST_DB_NAME, _create_postgres_db, cheap_hash


@pytest.fixture(scope="session")
def sms_gateway():
    """The live server's SMS gateway, on 127.0.0.1 for the session: its messages read here."""
    gateway = SmsGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="session")
def live_server(sms_gateway):
    data_dir = Path(tempfile.mkdtemp(prefix="muster-live-"))
    if POSTGRES_SERVER:
        name = f"{TEST_DB_NAME}_live"
        run_async(_create_postgres_db(name))
        database_url = f"{POSTGRES_SERVER.replace('postgresql', 'postgres', 1)}/{name}"
    else:
        # The log synced at checkpoints, not every commit (tests/conftest.py's app says why);
        # a killed server's commits survive it all the same.
        database_url = f"sqlite://{data_dir / 'muster.sqlite3'}?synchronous=NORMAL"
    server = LiveServer(data_dir, database_url)
    server.env |= {  # SMS on (the demo people have no verified number: none go unasked)
        "MUSTER_SMS_URL": sms_gateway.url,
        "MUSTER_SMS_ACCOUNT": sms_gateway.account,
        "MUSTER_SMS_TOKEN": sms_gateway.token,
        "MUSTER_SMS_FROM": "+15550100",
    }
    server.manage("migrate")
    server.manage("seed-demo")
    # The demo people's password at Argon2's lowest cost (tests/conftest.py's cheap_hash).
    cheap = cheap_hash(DEMO_PASSWORD)
    query(server, f"update \"user\" set password_hash = '{cheap}' where password_hash like '$%'")
    server.start()
    yield server
    server.stop()
    server.log.close()
    if POSTGRES_SERVER:
        run_async(_create_postgres_db(f"{TEST_DB_NAME}_live", drop=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture(autouse=True)
def _server_running(live_server):
    """A test that stopped the server leaves it running for the next one."""
    yield
    if not live_server.running:
        live_server.start()
