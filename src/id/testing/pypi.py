"""A package index's trusted publishing, as PyPI does it: the audience, the token exchange
(verifying the OIDC token against its issuer for real), and uploads with the minted token."""

from __future__ import annotations

import base64
import secrets
import ssl
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._issuer import verified_claims
from ._server import Reply, Request, Route, Service


class Upload(NamedTuple):
    """One distribution uploaded: the form's `name` and `version`, and the file's name."""

    name: str
    version: str
    filename: str


class PyPIIndex(Service):
    """A package index on loopback that does trusted publishing as PyPI does: `GET
    /_/oidc/audience` announces `audience`; `POST /_/oidc/mint-token` verifies the OIDC token
    against `issuer` (signature, audience, issuer) and, when its claims hold every item of
    `publisher` (e.g. `{"repository": "octo-org/octo-repo"}`), answers an upload token;
    `POST /legacy/` takes uploads authenticated with that token (`__token__` and the token, as
    twine sends them) and records each in `uploads`. Refusals are PyPI's 422 with `errors`.

    Served over plain HTTP on loopback by default (`id.exchange` and twine accept that there),
    or HTTPS with `tls` (a server context, e.g. from trustme)."""

    def __init__(
        self,
        issuer: str,
        publisher: Mapping[str, Any],
        *,
        audience: str = "pypi",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.issuer = issuer
        self.publisher = dict(publisher)
        self.audience = audience
        self.tls = tls
        self.upload_token = "pypi-" + secrets.token_urlsafe(32)
        #: Every distribution uploaded with the minted token, in order.
        self.uploads: list[Upload] = []
        #: The verified claims of the last token the index exchanged.
        self.seen_claims: dict[str, Any] | None = None

    def _audience(self, _request: Request) -> Reply:
        return Reply.json(200, {"audience": self.audience})

    def _mint(self, request: Request) -> Reply:
        body = request.json()
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str):
            return self._refuse("invalid-payload", "missing or invalid token")
        claims = verified_claims(token, self.issuer, self.audience)
        if isinstance(claims, str):
            return self._refuse(
                "invalid-token", f"valid token, but no corresponding publisher ({claims})"
            )
        self.seen_claims = claims
        for name, value in self.publisher.items():
            if claims.get(name) != value:
                return self._refuse(
                    "invalid-publisher",
                    f"valid token, but no corresponding publisher (Publisher with matching claims "
                    f"was not found: {name} is {claims.get(name)!r})",
                )
        return Reply.json(
            200, {"success": True, "token": self.upload_token, "expires": int(time.time()) + 900}
        )

    def _upload(self, request: Request) -> Reply:
        expected = base64.b64encode(f"__token__:{self.upload_token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Reply.text(403, "Invalid or non-existent authentication information.")
        import email.parser
        import email.policy

        head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
        form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        fields = {
            part.get_param("name", header="content-disposition"): part for part in form.iter_parts()
        }
        if not {"name", "version", "content"} <= fields.keys():
            return Reply.text(400, "An upload needs name, version and content.")
        self.uploads.append(
            Upload(
                str(fields["name"].get_content()).strip(),
                str(fields["version"].get_content()).strip(),
                str(fields["content"].get_filename()),
            )
        )
        return Reply.text(200, "OK")

    @staticmethod
    def _refuse(code: str, description: str) -> Reply:
        return Reply.json(
            422,
            {
                "message": "Token request failed",
                "errors": [{"code": code, "description": description}],
            },
        )

    def routes(self) -> dict[str, Route]:
        return {
            "/_/oidc/audience": self._audience,
            "/_/oidc/mint-token": self._mint,
            "/legacy/": self._upload,
        }
