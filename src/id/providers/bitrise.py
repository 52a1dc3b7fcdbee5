"""Bitrise: `POST $BITRISE_BUILD_URL/id_token.json` with the build's API token."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._base import Context, Provider


class Bitrise(Provider):
    """A Bitrise build."""

    name = "bitrise"

    def fetch(self, audience: str, context: Context) -> str:
        """POST `{"aud": AUD, "sub": ""}`; the answer is `{"id_token": "<jwt>", ...}`."""
        import json

        from .._http import Request

        build_url = context.url("BITRISE_BUILD_URL")
        api_token = context.secret("BITRISE_BUILD_API_TOKEN")
        if not api_token:
            raise AmbientCredentialError("BITRISE_BUILD_API_TOKEN is not set")
        response = context.http.send(
            Request(
                "POST",
                build_url.rstrip("/") + "/id_token.json",
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "Authorization": api_token,
                    "BUILD_API_TOKEN": api_token,
                },
                body=json.dumps({"aud": audience, "sub": ""}).encode(),
                secrets=[api_token],
            )
        )
        return token_field(response, "id_token", self.title, "the token endpoint")
