"""Fly.io Machines: the Machine's API on the unix socket `/.fly/api` issues OIDC tokens for any
audience (`POST /v1/tokens/oidc` with `{"aud": AUD}`; the answer is the raw JWT). No credential
is sent: Fly's init, which serves the socket, adds the Machine's own.

Skip or raise: every Machine has the socket whether or not anyone wants a token, so a socket that
gives none is skipped, like a cloud metadata server.
"""

from __future__ import annotations

from ._base import Context, Provider, Skipped

SOCKET = "/.fly/api"
#: Another path for the socket (tests; Fly's documentation names only the default).
SOCKET_VARIABLE = "ID_FLY_API_SOCKET"


class FlyMachines(Provider):
    """A Fly.io Machine."""

    name = "fly"

    def fetch(self, audience: str, context: Context) -> str:
        """Ask the Machine's API for a token for `audience`."""
        import json

        from .._http import HttpUnreachableError, Request

        socket = context.environ.get(SOCKET_VARIABLE) or SOCKET
        request = Request(
            "POST",
            "http://localhost/v1/tokens/oidc",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"aud": audience}).encode(),
            unix_socket=socket,
        )
        try:
            response = context.http.send(request)
        except HttpUnreachableError as exc:
            raise Skipped(f"the Machine API at {socket} gave no answer: {exc}") from None
        if response.status != 200:
            raise Skipped(f"the Machine API at {socket} answered {response.describe()}")
        return response.text().strip()
