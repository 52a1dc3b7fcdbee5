"""Platforms that write a token to a file and rotate it (pattern D): read afresh on every call."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import require_audience
from ._base import Context, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: A token file is a few kilobytes; anything much larger is not one.
MAX_TOKEN_FILE_BYTES = 64 * 1024


def read_token_file(path: str, title: str, variable: str) -> str:
    """The token in the file at `path` (named by `variable`), read now: the platform rotates it."""
    try:
        with open(path, "rb") as file:
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
    #: Variables that must also be set for the platform to be present.
    also_required: tuple[str, ...] = ()

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Present when `path_variable` (and every `also_required` variable) is set."""
        if not environ.get(self.path_variable):
            return None
        if not all(environ.get(variable) for variable in self.also_required):
            return None
        return f"{self.path_variable} is set"

    def wrong_audience(self, audience: str) -> str:
        """What to change when the file holds a token for another audience."""
        raise NotImplementedError

    def fetch(self, audience: str, context: Context) -> str:
        """The token in the file, if it is for `audience`."""
        path = context.environ[self.path_variable]
        token = read_token_file(path, self.title, self.path_variable)
        return require_audience(
            token, audience, self.title, f"the file {path}", self.wrong_audience(audience)
        )
