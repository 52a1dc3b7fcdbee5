"""What every provider is: a cheap "am I here?" check and a token fetch."""

from __future__ import annotations

import abc

from .._deadline import Deadline
from .._errors import AmbientCredentialError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .._http import HttpClient
    from ._spec import Spec


class Skipped(Exception):  # noqa: N818 - it is an outcome, not an error
    """Raised by `Provider.fetch` when the signal that made it present exists for another reason
    (a workload-identity file for another audience, a cloud runtime whose metadata server gives
    no token): the job did not ask for this platform's OIDC, so detection goes on to the next
    provider, and `detect_credential` returns None if none answers.

    It is deliberately not an `IdentityError`: it never crosses the public API. When the provider
    was asked for by name, detection turns it into an `AmbientCredentialError` with its reason.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Secrets(list):  # type: ignore[type-arg]
    """The secrets met during one detection: each is also registered for the whole process
    (`_redact.register`) as it is added, so an error raised anywhere later is redacted of it."""

    def append(self, value: str) -> None:
        from .._redact import register

        register([value])
        super().append(value)

    def extend(self, values: Iterable[str]) -> None:
        for value in values:
            self.append(value)


class Context:
    """What a provider may use while fetching: the environment, the deadline, one HTTP client,
    and the secrets met so far (redacted from every message that leaves the provider).

    The client is made on first use, so providers that never touch the network import nothing
    from `http.client` or `ssl`.
    """

    __slots__ = ("_http", "audience_from_server", "deadline", "environ", "secrets", "title")

    def __init__(self, environ: Mapping[str, str], deadline: Deadline, title: str = "id") -> None:
        self.environ = environ
        self.deadline = deadline
        self.title = title
        self.secrets: list[str] = Secrets()
        #: The audience was chosen by a remote server, not the user: only a token declared for
        #: exactly it may answer, never one found by scanning tokens meant for others.
        self.audience_from_server = False
        self._http: HttpClient | None = None

    @property
    def http(self) -> HttpClient:
        """The HTTP client for this detection."""
        if self._http is None:
            from .._http import HttpClient

            self._http = HttpClient(self.deadline, self.environ)
        return self._http

    def secret(self, variable: str) -> str:
        """The credential in `variable` (stripped; "" when unset), registered as a secret before
        any request is made. One that cannot go into an HTTP header (a line break, a control
        character) is an error naming the variable, never quoting the value."""
        from .._values import header_value_problem

        value = self.environ.get(variable, "").strip()
        if not value:
            return ""
        self.secrets.append(value)
        problem = header_value_problem(value)
        if problem is not None:
            raise AmbientCredentialError(
                f"{variable} {problem}, so it is not a usable credential: check "
                "how the variable is set (its value is not shown)"
            )
        return value

    def url(self, variable: str) -> str:
        """The URL in `variable` ("" when unset); one that cannot be requested is an error naming
        the variable."""
        from .._values import url_problem

        value = self.environ.get(variable, "").strip()
        problem = url_problem(value) if value else None
        if problem is not None:
            raise AmbientCredentialError(
                f"{variable} {problem}, so it is not a usable URL: check how the variable is set"
            )
        return value

    def close(self) -> None:
        """Release the HTTP client's connections, if one was made."""
        if self._http is not None:
            self._http.close()


class Provider(abc.ABC):
    """One platform that hands out OIDC tokens.

    Its name, title, kind, opt-in flag and presence are data in the registry (`id.providers.
    SPECS`), read without importing this module; the class says how to fetch a token.
    """

    #: Short, stable identifier, e.g. ``"github"``: the key of its `Spec`.
    name: str
    #: Whether any audience can be asked for when the job runs (else it is fixed in the
    #: platform's configuration, and a token for another one is an error naming the setting).
    audience_at_run_time: bool = True
    #: Whether `fetch` only reads variables or files (no network, no subprocess), so that
    #: `--explain` may run it to say whether the token there fits the audience.
    offline: bool = False

    #: This provider's entry in the registry, handed in by `Spec.load()`.
    _spec: Spec | None = None

    @property
    def spec(self) -> Spec:
        """This provider's entry in the registry."""
        if self._spec is None:
            # Made directly (a test's stubbed client), not through the registry.
            from . import spec

            self._spec = spec(self.name)
        return self._spec

    @spec.setter
    def spec(self, value: Spec) -> None:
        self._spec = value

    @property
    def title(self) -> str:
        """The platform's name as people know it, used in every message: "GitHub Actions"."""
        return self.spec.title

    @property
    def signals(self) -> str:
        """What makes it present, for people: "GITHUB_ACTIONS set"."""
        return self.spec.signals

    @property
    def opt_in(self) -> bool:
        """Never detected on its own, only asked for by name (`provider=`, `--provider`): its
        presence (cloud credentials, a CLI on PATH) does not mean a token is wanted."""
        return self.spec.opt_in

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Why this platform is present (e.g. ``"GITHUB_ACTIONS=true"``), or None if it is not:
        the spec's presence data. Opt-in providers say instead whether they are available."""
        return self.spec.presence(environ)

    def preflight(self, audience: str, context: Context) -> object:
        """What `fetch` checks before any network or subprocess: the errors it would raise for
        the job's configuration alone (`--explain` runs it). Nothing by default."""
        del audience, context
        return None

    @abc.abstractmethod
    def fetch(self, audience: str, context: Context) -> str:
        """A token for `audience`.

        The rule every provider follows (skip or raise): raise `AmbientCredentialError`, naming
        the fix, only where the job clearly asked for this platform's OIDC and cannot have it (a
        CI job whose OIDC is not enabled or not configured for the audience); raise `Skipped`
        where the signal exists for other reasons (a workload's token for another audience, a
        metadata server that gives no token), so that detection goes on.
        """
