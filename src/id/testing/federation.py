"""The services `id.exchange` trades a token with, on loopback: AWS STS's
`AssumeRoleWithWebIdentity`, Google's STS token exchange, and Vault's JWT auth. Each trusts one
OIDC issuer (an emulated platform's) and checks the token's signature against its JWKS, its
audience and, for AWS, the role."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from ._issuer import verified_claims
from ._server import Reply, Request, Route, Service

_STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


class AwsStsFederation(Service):
    """STS for a role (`role_arn`) that trusts `issuer` for `audience`:
    `AssumeRoleWithWebIdentity` (unsigned) issues temporary credentials, and `GetCallerIdentity`
    (signed with them, by boto3) names the assumed role."""

    def __init__(self, issuer: str, role_arn: str, *, audience: str = "sts.amazonaws.com") -> None:
        self.issuer = issuer
        self.role_arn = role_arn
        self.audience = audience
        self.issued: dict[str, tuple[str, str, str]] = {}  # key id: (secret, session, session name)

    def routes(self) -> dict[str, Route]:
        return {"/": self._sts}

    def _sts(self, request: Request) -> Reply:
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            return self._assume(form)
        if form.get("Action") == "GetCallerIdentity":
            return self._caller(request)
        return _sts_error(400, "InvalidAction", f"Could not find operation {form.get('Action')}")

    def _assume(self, form: Mapping[str, str]) -> Reply:
        claims = verified_claims(form.get("WebIdentityToken", ""), self.issuer, self.audience)
        if isinstance(claims, str):
            return _sts_error(400, "InvalidIdentityToken", f"Couldn't verify the token: {claims}")
        if form.get("RoleArn") != self.role_arn:
            return _sts_error(
                403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"
            )
        key_id = "ASIA" + secrets.token_hex(8).upper()
        secret, session = secrets.token_urlsafe(30), "IQoJb3JpZ2luX2Vj" + secrets.token_urlsafe(40)
        self.issued[key_id] = (secret, session, form.get("RoleSessionName", ""))
        expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        body = (
            f'<AssumeRoleWithWebIdentityResponse xmlns="{_STS_NAMESPACE}">'
            "<AssumeRoleWithWebIdentityResult><Credentials>"
            f"<AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
            f"<SessionToken>{session}</SessionToken><Expiration>{expiration}</Expiration>"
            f"</Credentials><SubjectFromWebIdentityToken>{escape(str(claims.get('sub')))}"
            "</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult>"
            "</AssumeRoleWithWebIdentityResponse>"
        )
        return Reply(200, body.encode(), {"Content-Type": "text/xml"})

    def _caller(self, request: Request) -> Reply:
        authorization = request.headers.get("authorization", "")
        key_id = authorization.partition("Credential=")[2].partition("/")[0]
        issued = self.issued.get(key_id)
        if issued is None or request.headers.get("x-amz-security-token") != issued[1]:
            return _sts_error(403, "InvalidClientTokenId", "The security token is invalid.")
        role = self.role_arn.rsplit("/", 1)[-1]
        arn = f"arn:aws:sts::123456789012:assumed-role/{role}/{issued[2]}"
        body = (
            f'<GetCallerIdentityResponse xmlns="{_STS_NAMESPACE}"><GetCallerIdentityResult>'
            f"<Arn>{escape(arn)}</Arn><UserId>AROA:{escape(issued[2])}</UserId>"
            "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
        )
        return Reply(200, body.encode(), {"Content-Type": "text/xml"})


def _sts_error(status: int, code: str, message: str) -> Reply:
    body = (
        f'<ErrorResponse xmlns="{_STS_NAMESPACE}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>0</RequestId></ErrorResponse>"
    )
    return Reply(status, body.encode(), {"Content-Type": "text/xml"})


class GoogleStsFederation(Service):
    """Google's STS (`POST /v1/token`) for a workload identity pool provider (`pool_provider`,
    `//iam.googleapis.com/...`) that trusts `issuer` with its default allowed audience,
    `https:` and the provider's name."""

    def __init__(self, issuer: str, pool_provider: str) -> None:
        self.issuer = issuer
        self.pool_provider = pool_provider
        self.access_token = "ya29.sts-" + secrets.token_urlsafe(40)

    def routes(self) -> dict[str, Route]:
        return {"/v1/token": self._token}

    def _token(self, request: Request) -> Reply:
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        if form.get("audience") != self.pool_provider:
            return Reply.json(400, {"error": "invalid_target", "error_description": "bad audience"})
        claims = verified_claims(
            form.get("subject_token", ""), self.issuer, f"https:{self.pool_provider}"
        )
        if isinstance(claims, str):
            return Reply.json(400, {"error": "invalid_grant", "error_description": claims})
        return Reply.json(
            200,
            {
                "access_token": self.access_token,
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "token_type": "Bearer",
                "expires_in": 3600,
            },
        )


class VaultJwtAuth(Service):
    """Vault's JWT auth method at `auth/<mount>` with a role `role` bound to tokens from `issuer`
    whose `aud` holds `bound_audience`."""

    def __init__(
        self,
        issuer: str,
        *,
        role: str = "release",
        bound_audience: str = "vault",
        mount: str = "jwt",
    ) -> None:
        self.issuer = issuer
        self.role = role
        self.bound_audience = bound_audience
        self.mount = mount
        self.client_token = "hvs." + secrets.token_urlsafe(24)

    def routes(self) -> dict[str, Route]:
        return {f"/v1/auth/{self.mount}/login": self._login}

    def _login(self, request: Request) -> Reply:
        body = request.json()
        body = body if isinstance(body, dict) else {}
        if body.get("role") != self.role:
            return Reply.json(400, {"errors": [f"role {body.get('role')!r} could not be found"]})
        claims = verified_claims(str(body.get("jwt", "")), self.issuer, self.bound_audience)
        if isinstance(claims, str):
            return Reply.json(400, {"errors": [f"error validating token: {claims}"]})
        return Reply.json(
            200,
            {
                "auth": {
                    "client_token": self.client_token,
                    "policies": ["release"],
                    "lease_duration": 3600,
                }
            },
        )
