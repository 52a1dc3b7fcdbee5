"""What every provider is: a cheap "am I here?" check and a token fetch."""

from __future__ import annotations

import abc

from .._deadline import Deadline

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._http import HttpClient


class Context:
    """What a provider may use while fetching: the environment, the deadline and one HTTP client.

    The client is made on first use, so providers that never touch the network import nothing
    from `http.client` or `ssl`.
    """

    __slots__ = ("_http", "deadline", "environ")

    def __init__(self, environ: Mapping[str, str], deadline: Deadline) -> None:
        self.environ = environ
        self.deadline = deadline
        self._http: HttpClient | None = None

    @property
    def http(self) -> HttpClient:
        """The HTTP client for this detection."""
        if self._http is None:
            from .._http import HttpClient

            self._http = HttpClient(self.deadline, self.environ)
        return self._http

    def close(self) -> None:
        """Release the HTTP client's connections, if one was made."""
        if self._http is not None:
            self._http.close()


class Provider(abc.ABC):
    """One platform that hands out OIDC tokens."""

    #: Short, stable identifier, e.g. ``"github"``.
    name: str
    #: The platform's name as people know it, used in every message, e.g. ``"GitHub Actions"``.
    title: str
    #: What makes it present, for people: ``"GITHUB_ACTIONS=true"``.
    signals: str
    #: Whether any audience can be asked for when the job runs (else it is fixed in the
    #: platform's configuration, and a token for another one is an error naming the setting).
    audience_at_run_time: bool = True
    #: Never detected on its own, only asked for by name (`provider=`, `--provider`): its
    #: presence (cloud credentials, a CLI on PATH) does not mean a token is wanted.
    opt_in: bool = False
    #: Whether `fetch` only reads variables or files (no network, no subprocess), so that
    #: `--explain` may run it to say whether the token there fits the audience.
    offline: bool = False

    @abc.abstractmethod
    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Why this platform is present (e.g. ``"GITHUB_ACTIONS=true"``), or None if it is not.

        Cheap: no network, no subprocess, standard library only.
        """

    @abc.abstractmethod
    def fetch(self, audience: str, context: Context) -> str:
        """A token for `audience`; raises `AmbientCredentialError` naming the fix when it cannot."""
