"""The access log leaves the tip line's visitors out: uvicorn writes each request's client
address to its access log, and an operator's logs are kept for months. For a request to a tip
line page the address is written as "-" (the path only names the district's line)."""

from __future__ import annotations

import logging

PATHS = ("/tip/",)
ACCESS_LOGGER = "uvicorn.access"


class NoAddressOnTipLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client address, method, path, HTTP version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and str(args[2]).startswith(PATHS):
            record.args = ("-", *args[1:])
        return True


def keep_addresses_out_of_logs() -> None:
    """Install the filter once per process (the app may be made several times in tests)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, NoAddressOnTipLine) for f in logger.filters):
        logger.addFilter(NoAddressOnTipLine())
