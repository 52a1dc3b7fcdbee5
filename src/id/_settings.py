"""The settings `id` reads from the environment, beyond any platform's own variables: each named,
documented and read here, from the `environ` the caller hands in (never at import).

A platform's own `ID_*` settings (`ID_GCP_IAM_ENDPOINT`, `ID_VAULT_ROLE`, ...) live in its provider
module, with the platform; the README's table of environment variables lists them all, which
`tests/test_registry.py` checks.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: The deadline of one command or detection, in seconds: every request, retry, subprocess and
#: library call `id` makes ends within it (default 30, at most 3600).
TIMEOUT = "ID_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 3600.0
#: The command line's audience when no argument is given.
AUDIENCE = "ID_OIDC_AUDIENCE"
#: Sign-in: the client secret of a confidential client (never a command-line option, which
#: other users of the machine could read).
CLIENT_SECRET = "ID_OIDC_CLIENT_SECRET"  # noqa: S105 - a variable's name
#: The level of the `id` logger (`debug`, `info`, ...).
LOG_LEVEL = "ID_LOGLEVEL"
#: Set by `python -m id.testing` for the command it runs: the emulated issuer, which
#: `python -m id --verify` then trusts without `--issuer` (on loopback only).
TESTING_ISSUER = "ID_TESTING_ISSUER"

#: Every general setting, with what it does (the README's table says the same).
SETTINGS = {
    TIMEOUT: "the deadline of one command or detection, in seconds (default 30, at most 3600)",
    AUDIENCE: "the command line's audience when no argument is given",
    CLIENT_SECRET: "sign-in: the client secret of a confidential client",
    LOG_LEVEL: "the level of the `id` logger (`debug`, `info`, ...)",
    TESTING_ISSUER: "set by `python -m id.testing`: the emulated issuer `--verify` trusts",
}


def text(environ: Mapping[str, str], name: str) -> str:
    """The setting `name` (one of `SETTINGS`), stripped; "" when unset."""
    return environ.get(name, "").strip()


def timeout_seconds(environ: Mapping[str, str]) -> float:
    """`ID_TIMEOUT` in seconds, or the default; `AmbientCredentialError` for a value that is not
    a number of seconds in (0, 3600]."""
    raw = text(environ, TIMEOUT)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT:
        from ._errors import AmbientCredentialError

        raise AmbientCredentialError(
            f"{TIMEOUT}={raw!r} is not valid: set it to a number of seconds between 0 and "
            f"{MAX_TIMEOUT:g}, or unset it for the default of {DEFAULT_TIMEOUT:g}"
        )
    return seconds
