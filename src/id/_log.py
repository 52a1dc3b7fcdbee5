"""Debug logging that costs nothing when nobody listens.

Importing `logging` costs start-up time on every `python -m id` run. If a process never imported
it, no handler can exist, so a debug message could never be shown: we skip it without importing.
Messages must never contain a token or any other credential.
"""

from __future__ import annotations

import sys

LOGGER_NAME = "id"


def debug(message: str, *args: object) -> None:
    """Log `message % args` at DEBUG level on the `id` logger, if logging is in use."""
    logging = sys.modules.get("logging")
    if logging is None:
        return
    logging.getLogger(LOGGER_NAME).debug(message, *args)


def warning(message: str, *args: object) -> None:
    """Log `message % args` at WARNING level on the `id` logger: rare, and worth the import
    (a service that verifies tokens wants to know its issuer is down)."""
    import logging

    logging.getLogger(LOGGER_NAME).warning(message, *args)
