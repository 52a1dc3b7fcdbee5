"""Codefresh: `GET $CF_OIDC_REQUEST_URL?audience=...` with the request token."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._base import Context, Provider


class Codefresh(Provider):
    """A Codefresh pipeline step."""

    name = "codefresh"

    def fetch(self, audience: str, context: Context) -> str:
        """GET the request URL with the audience; the answer is `{"id_token": "<jwt>"}`."""
        from .._values import with_query

        url = context.url("CF_OIDC_REQUEST_URL")
        request_token = context.secret("CF_OIDC_REQUEST_TOKEN")
        if not url or not request_token:
            raise AmbientCredentialError(
                "CF_OIDC_REQUEST_URL and CF_OIDC_REQUEST_TOKEN must both be set: "
                "OIDC tokens need a Codefresh account with OIDC enabled"
            )
        from .._http import Request

        response = context.http.send(
            Request(
                "GET",
                with_query(url, {"audience": audience}),
                # Codefresh takes the token itself, without a "Bearer" scheme.
                headers={"Accept": "application/json", "Authorization": request_token},
                secrets=[request_token],
            )
        )
        return token_field(response, "id_token", self.title, "the token endpoint")
