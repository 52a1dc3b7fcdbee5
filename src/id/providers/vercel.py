"""Vercel: `VERCEL_OIDC_TOKEN` in builds, for `https://vercel.com/<team>`; a token for another
audience comes from Vercel's own exchange, `POST https://oidc.vercel.com/~token`
(`@vercel/oidc` `exchangeVercelOidcToken`), overridable with `ID_VERCEL_OIDC_ENDPOINT`.

In Vercel Functions the token arrives per request, as the header `x-vercel-oidc-token`, which
the environment does not hold: there the caller must hand it in (`ID_OIDC_TOKEN`).
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._audience import held_audiences
from ._base import Context, Provider

TOKEN_VARIABLE = "VERCEL_OIDC_TOKEN"  # noqa: S105 - a variable's name
ENDPOINT_VARIABLE = "ID_VERCEL_OIDC_ENDPOINT"
DEFAULT_ENDPOINT = "https://oidc.vercel.com"


class Vercel(Provider):
    """A Vercel build of a project with "Secure backend access with OIDC federation" on."""

    name = "vercel"

    def fetch(self, audience: str, context: Context) -> str:
        """The build's token if it is for `audience`; else one exchanged for it."""
        import json

        from .._http import Request

        token = context.secret(TOKEN_VARIABLE)
        if not token:
            raise AmbientCredentialError(
                f'{self.title}: {TOKEN_VARIABLE} is not set: turn on "Secure backend access '
                "with OIDC federation\" in the project's settings. In a Vercel Function the "
                "token comes with each request (header x-vercel-oidc-token): hand it in with "
                "ID_OIDC_TOKEN"
            )
        if audience in held_audiences(token, self.title, TOKEN_VARIABLE):
            return token
        endpoint = context.url(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT
        response = context.http.send(
            Request(
                "POST",
                f"{endpoint.rstrip('/')}/~token",
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                body=json.dumps({"token": token, "aud": audience}).encode(),
                secrets=[token],
            )
        )
        return token_field(response, "token", self.title, "Vercel's token exchange")
