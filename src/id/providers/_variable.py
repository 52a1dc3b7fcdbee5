"""Platforms that put a token in an environment variable, for an audience fixed in their
configuration (pattern C)."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import require_audience
from ._base import Context, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class VariableTokenProvider(Provider):
    """A platform whose token is in `token_variable` when `presence` says the platform is here."""

    audience_at_run_time = False
    offline = True
    #: (variable, value): present when the variable has this value (None: any non-empty value).
    presence: tuple[tuple[str, str | None], ...]
    token_variable: str

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Present when one of the `presence` variables is set as it says."""
        for variable, value in self.presence:
            actual = environ.get(variable)
            if actual and (value is None or actual == value):
                return f"{variable}={actual}" if value is not None else f"{variable} is set"
        return None

    def missing(self) -> str:
        """What to change when the token variable is not set."""
        raise NotImplementedError

    def wrong_audience(self, audience: str) -> str:
        """What to change when the token is for another audience."""
        raise NotImplementedError

    def fetch(self, audience: str, context: Context) -> str:
        """The token in `token_variable`, if it is for `audience`."""
        token = context.environ.get(self.token_variable, "").strip()
        if not token:
            raise AmbientCredentialError(
                f"{self.title}: {self.token_variable} is not set: {self.missing()}"
            )
        return require_audience(
            token, audience, self.title, self.token_variable, self.wrong_audience(audience)
        )
