"""What a command writes: the one way a credential reaches stdout, and the one way an error
reaches stderr. Both command lines (`python -m id`, `python -m id.exchange`) write through here, so
a new command or exchange target inherits the rules instead of remembering them."""

from __future__ import annotations

import sys

from ._errors import IdentityError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class UnprintableCredential(IdentityError):  # noqa: N818 - named for what it is
    """A credential received from a service is not one line of printable text: printing it would
    let that service write escape sequences, extra lines or workflow commands into the output."""


def in_runner(environ: Mapping[str, str]) -> bool:
    """Whether a GitHub or Forgejo runner reads this process's output for workflow commands
    (both set `GITHUB_ACTIONS`)."""
    from .providers._spec import is_set

    return is_set(environ.get("GITHUB_ACTIONS"))


def check_printable(secret: str, what: str) -> str:
    """`secret` if it is one line of printable text without spaces; `UnprintableCredential`
    naming `what` (never quoting it) otherwise."""
    from ._redact import escaped

    if not secret or escaped(secret) != secret or any(c.isspace() for c in secret):
        raise UnprintableCredential(
            f"the {what} received is not one line of printable text (control characters, line "
            "breaks or spaces): refusing to print it; the service that issued it is misbehaving"
        )
    return secret


def print_secret(
    text: str,
    secrets: Iterable[tuple[str, str]],
    environ: Mapping[str, str] | None = None,
    *,
    mask: bool = True,
) -> None:
    """Write `text` (which holds the `secrets`, each `(what, value)`) and a newline to stdout.

    Each secret is checked to be printable first, registered for redaction, and, inside a GitHub
    or Forgejo runner, masked in the job's log before it is printed: the runner reads workflow
    commands on stderr as on stdout (actions/runner, forgejo/runner), so stdout keeps only the
    credential and `X=$(python -m id ...)` captures just it. Anywhere else the mask line would
    print the secret in clear, so it is written only where `GITHUB_ACTIONS` says a runner reads it.
    `mask=False` where stdout and stderr are read as one by a program, not a runner's log.
    """
    import os

    from ._redact import register

    environ = os.environ if environ is None else environ
    values = [check_printable(value, what) for what, value in secrets]
    register(values)
    if mask and in_runner(environ):
        for value in values:
            sys.stderr.write(f"::add-mask::{value}\n")
        sys.stderr.flush()
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def print_error(program: str, message: str) -> None:
    """One error on stderr as `PROGRAM: error: MESSAGE`, the message `clean`ed (registered
    secrets, JWTs, control characters and workflow commands removed; length capped) whether it
    came from an `IdentityError` (already clean) or anywhere else."""
    from ._redact import clean

    print(f"{program}: error: {clean(message)}", file=sys.stderr)


def write_private(path: str, text: str, what: str) -> None:
    """Write `text` to the file at `path`, readable by its owner only (0600): through a new file
    in the same folder, renamed over `path`, so a symlink planted at `path` is replaced, never
    followed, and a reader never sees half a file. `IdentityError` naming `what` on failure."""
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IdentityError(f"cannot write the {what} to {path}: it is a directory")
    try:
        fd, temporary = tempfile.mkstemp(prefix=".id-", dir=folder)  # mode 0600
    except OSError as exc:
        raise IdentityError(f"cannot write the {what} to {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise IdentityError(f"cannot write the {what} to {path}: {exc.strerror}") from None
