"""A token handed in by the user: `ID_OIDC_TOKEN`, or a file named by `ID_OIDC_TOKEN_FILE`."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import require_audience
from ._base import Context, Provider
from ._file import read_token_file

TOKEN_VARIABLE = "ID_OIDC_TOKEN"  # noqa: S105 - a variable's name
FILE_VARIABLE = "ID_OIDC_TOKEN_FILE"


class ExplicitToken(Provider):
    """A token from anywhere, given to `id` by the user (like cosign's env and file providers).

    It comes first: a user who hands in a token means it. It is still checked for the audience.
    """

    name = "token"
    audience_at_run_time = False
    offline = True

    def fetch(self, audience: str, context: Context) -> str:
        """The token given, if it is for `audience`."""
        environ = context.environ
        if environ.get(TOKEN_VARIABLE):
            token, source = environ[TOKEN_VARIABLE].strip(), TOKEN_VARIABLE
        else:
            path = environ.get(FILE_VARIABLE, "")
            token = read_token_file(path, self.title, FILE_VARIABLE)
            source = f"the file {path} ({FILE_VARIABLE})"
        if not token:
            raise AmbientCredentialError(f"{TOKEN_VARIABLE} is empty")
        return require_audience(
            token, audience, self.title, source, "Hand in a token issued for that audience."
        )
