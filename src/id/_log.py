"""Debug logging that costs nothing when nobody listens.

Importing `logging` costs start-up time on every `python -m id` run. If a process never imported
it, no handler can exist, so a debug message could never be shown: we skip it without importing.
Messages must never contain a token or any other credential.
"""

from __future__ import annotations

import sys

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

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


def configure(verbosity: int, environ: Mapping[str, str]) -> None:
    """The command line's logging: `-v` debug for `id`, `-vv` for every library too, or the level
    `ID_LOGLEVEL` names; every record of every logger redacted of the credentials in `environ`
    (by their variables' names), of every secret `id` registered, and of anything token-like."""
    from ._settings import LOG_LEVEL, text

    level = text(environ, LOG_LEVEL).upper()
    if verbosity == 0 and not level:
        return
    import logging

    logging.basicConfig(format="%(name)s: %(levelname)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_redacting_filter(logging, environ))
    package_logger = logging.getLogger(LOGGER_NAME)
    if level:
        try:
            package_logger.setLevel(level)
        except ValueError:
            print(f"id: ignoring {LOG_LEVEL}={level!r}: not a logging level", file=sys.stderr)
    if verbosity >= 1:
        package_logger.setLevel(logging.DEBUG)
    if verbosity >= 2:
        logging.getLogger().setLevel(logging.DEBUG)


# Variables whose values are credentials, by the names platforms and SDKs give them; paths and
# URLs to them are not.
_SECRET_NAME = r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|ACCESS_KEY|API_KEY|_KEY$"  # noqa: S105
_NOT_SECRET_NAME = r"_(FILE|PATH|DIR|URL|URI|ENDPOINT|ID|NAME)$"  # noqa: S105


def _redacting_filter(logging: Any, environ: Mapping[str, str]) -> Any:
    """A filter for every record of every logger (`-vv` turns on other libraries' debug logs,
    such as botocore's, which print request headers)."""
    import re

    from ._redact import MIN_SECRET_LENGTH, clean, redact, secret_forms

    forms = secret_forms(
        value
        for name, value in environ.items()
        if len(value) >= MIN_SECRET_LENGTH
        and re.search(_SECRET_NAME, name.upper())
        and not re.search(_NOT_SECRET_NAME, name.upper())
    )

    class Redacting(logging.Filter):  # type: ignore[misc]
        def filter(self, record: Any) -> bool:
            # `clean` also removes the registered secrets and keeps one record one line each.
            record.msg = clean(redact(record.getMessage(), forms, prepared=True), limit=None)
            record.args = None
            return True

    return Redacting()
