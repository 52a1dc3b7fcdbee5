"""How providers read what a token service or an agent CLI answered."""

from __future__ import annotations

from .._errors import AmbientCredentialError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._http import Response
    from ._base import Context


def token_field(response: Response, field: str, title: str, where: str) -> str:
    """The string `field` of a 200 JSON answer; otherwise an error quoting what came back."""
    if response.status != 200:
        raise AmbientCredentialError(f"{title}: {where} answered {response.describe()}")
    value = response.string_field(field, strict=True)
    if value is None:
        raise AmbientCredentialError(f'{title}: {where}\'s answer has no string "{field}"')
    return value


def token_from_cli(
    argv: Sequence[str],
    context: Context,
    title: str,
    command: str,
    *,
    fix: str = "",
) -> str:
    """Run an agent CLI (bounded, no shell); what it prints is the token. A failure names
    `command` and quotes what it printed on stderr and on stdout (buildkite-agent writes its
    reason to stdout), bounded and with the context's secrets redacted, then the `fix`."""
    from .. import _subprocess
    from .._redact import summarize

    result = _subprocess.run(argv, deadline=context.deadline, environ=context.environ)
    if result.returncode != 0:
        printed = [
            summarize(stream, secrets=context.secrets) for stream in (result.stderr, result.stdout)
        ]
        detail = " / ".join(text for text in printed if text) or "no error printed"
        raise AmbientCredentialError(
            f"{title}: {command} failed (exit status {result.returncode}): {detail}{fix}"
        )
    token = result.stdout.decode("utf-8", "replace").strip()
    if not token:
        raise AmbientCredentialError(f"{title}: {command} printed no token")
    return token
