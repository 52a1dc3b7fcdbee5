"""Workloads whose platform writes a token to a file and rotates it: read afresh on every call.

The file's audience is fixed by the workload's configuration, for the consumer it was set up
for (an AWS or Azure SDK, a service): a token for another audience is skipped, not an error, so
that a tool asking for its own audience on such a pod (twine asking for `pypi`) gets None, as
with PyPI's `id` 1.6.1.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import held_audiences, other_audience
from ._base import Context, Provider, Skipped

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

#: A token file is a few kilobytes; anything much larger is not one.
MAX_TOKEN_FILE_BYTES = 64 * 1024


def read_token_file(path: str, title: str, variable: str) -> str:
    """The token in the regular file at `path` (named by `variable`), read now: the platform
    rotates it. A FIFO, device or directory is refused without blocking on it."""
    import os
    import stat

    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; a regular file ignores it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise AmbientCredentialError(
            f"{title}: cannot read the token file {path} named by {variable}: {exc.strerror}"
        ) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AmbientCredentialError(
                f"{title}: {path} (named by {variable}) is not a regular file: point "
                f"{variable} at the token file itself"
            )
        try:
            data = file.read(MAX_TOKEN_FILE_BYTES + 1)
        except OSError as exc:
            raise AmbientCredentialError(
                f"{title}: cannot read the token file {path} named by {variable}: {exc.strerror}"
            ) from None
    if len(data) > MAX_TOKEN_FILE_BYTES:
        raise AmbientCredentialError(
            f"{title}: {path} is larger than {MAX_TOKEN_FILE_BYTES} bytes: not a token file"
        )
    token = data.decode("utf-8", "replace").strip()
    if not token:
        raise AmbientCredentialError(f"{title}: the token file {path} is empty")
    return token


class FileTokenProvider(Provider):
    """A platform whose token is in the file named by `path_variable`."""

    audience_at_run_time = False
    offline = True
    path_variable: str
    #: Whether the variable is set for another consumer (a cloud SDK), so that a file that cannot
    #: be used at all is skipped too; for `id`'s own variable it is an error naming the fix.
    set_for_others = True

    def wrong_audience(self, audience: str) -> str:
        """What to change when the file holds a token for another audience."""
        raise NotImplementedError

    def fetch(self, audience: str, context: Context) -> str:
        """The token in the file, if it is for `audience`; skipped otherwise."""
        path = context.environ[self.path_variable]
        source = f"the file {path}"
        try:
            token = read_token_file(path, self.title, self.path_variable)
            held = held_audiences(token, self.title, source)
        except AmbientCredentialError as exc:
            if self.set_for_others:
                raise Skipped(str(exc).removeprefix(f"{self.title}: ")) from None
            raise
        if audience not in held:
            raise Skipped(
                f"{other_audience(source, held, audience)}. {self.wrong_audience(audience)}"
            )
        return token
