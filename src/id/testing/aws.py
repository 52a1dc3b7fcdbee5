"""AWS STS `GetWebIdentityToken` (outbound identity federation), on loopback.

boto3 reaches it through `AWS_ENDPOINT_URL_STS`, the AWS SDKs' own setting, with the emulator's
credentials: the request is signed for real (SigV4) and the emulator checks that it is signed
with those credentials before it answers in STS's XML.
"""

from __future__ import annotations

import os
import secrets
from typing import Any
from xml.sax.saxutils import escape

from ._emulator import Emulator
from ._server import Reply, Request, Route

ACCESS_KEY_ID = "AKIDIDTESTINGEXAMPLE"
_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


class AwsSts(Emulator):
    """An AWS principal (`role_arn`) in an account with outbound identity federation enabled
    (`federation_enabled=False`: STS refuses, as for an account that has not enabled it)."""

    platform = "aws"

    role_arn: str = "arn:aws:iam::123456789012:role/release"
    federation_enabled: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        self.secret_access_key = secrets.token_urlsafe(30)
        self.session_token = "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(60)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The principal, as STS's tokens name it."""
        return {"sub": self.role_arn, "https://sts.amazonaws.com/": {"aws_account": "123456789012"}}

    def routes(self) -> dict[str, Route]:
        """STS's query API, at the endpoint's root."""
        return {"/": self._sts}

    def _sts(self, request: Request) -> Reply:
        from urllib.parse import parse_qs

        authorization = request.headers.get("authorization", "")
        signed = authorization.startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/")
        if not signed or request.headers.get("x-amz-security-token") != self.session_token:
            return _error(403, "InvalidClientTokenId", "The security token included is invalid.")
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        if form.get("Action") != "GetWebIdentityToken":
            return _error(400, "InvalidAction", f"Could not find operation {form.get('Action')}")
        audiences = [v for k, v in sorted(form.items()) if k.startswith("Audience.member.")]
        if not audiences:
            return _error(400, "ValidationError", "Audience is required")
        if not self.federation_enabled:
            return _error(
                403, "AccessDenied", "Outbound identity federation is not enabled for the account"
            )
        token = self.mint(audiences[0] if len(audiences) == 1 else audiences)
        body = (
            f'<GetWebIdentityTokenResponse xmlns="{_NAMESPACE}"><GetWebIdentityTokenResult>'
            f"<WebIdentityToken>{escape(token)}</WebIdentityToken>"
            "<Expiration>2030-01-01T00:00:00Z</Expiration></GetWebIdentityTokenResult>"
            "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
            "</ResponseMetadata></GetWebIdentityTokenResponse>"
        )
        return Reply(200, body.encode(), {"Content-Type": "text/xml"})

    def job_environ(self) -> dict[str, str]:
        """Credentials and the endpoint, as the AWS SDKs read them; no config file is read."""
        return {
            "AWS_ENDPOINT_URL_STS": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
            "AWS_REGION": "eu-west-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def _error(status: int, code: str, message: str) -> Reply:
    body = (
        f'<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    )
    return Reply(status, body.encode(), {"Content-Type": "text/xml"})
