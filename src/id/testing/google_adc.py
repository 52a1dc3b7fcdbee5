"""Google Application Default Credentials: a service-account key file whose `token_uri` is the
emulator (which checks the signed assertion as Google's token endpoint does), or an authorized
user's file whose refresh token buys an access token for IAM `generateIdToken`."""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ._emulator import Emulator
from ._server import Reply, Request, Route

IAM_PREFIX = "/v1/projects/-/serviceAccounts/"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class GoogleAdc(Emulator):
    """ADC of `kind` "service_account" (a key file for `account`) or "authorized_user" (a person's
    login, which acts as `impersonate` through IAM). `account_disabled=True`: the token endpoint
    answers `invalid_grant`, as for a deleted key."""

    platform = "google-adc"

    kind: str = "service_account"
    account: str = "release@example-project.iam.gserviceaccount.com"
    impersonate: str = "signer@example-project.iam.gserviceaccount.com"
    account_disabled: bool = False
    lifetime: float = 3600

    def __post_init__(self) -> None:
        super().__post_init__()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_key_id = secrets.token_hex(20)
        self.refresh_token = "1//" + secrets.token_urlsafe(40)
        self.access_token = "ya29." + secrets.token_urlsafe(48)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A Google ID token's claims."""
        return {"sub": "109876543210987654321", "azp": "109876543210987654321"}

    def routes(self) -> dict[str, Route]:
        """Google's token endpoint."""
        return {"/token": self._token}

    def prefix_routes(self) -> dict[str, Route]:
        """IAM Credentials' generateIdToken."""
        return {IAM_PREFIX: self._generate_id_token}

    def _token(self, request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if self.account_disabled:
            return Reply.json(400, {"error": "invalid_grant", "error_description": "Invalid JWT"})
        if form.get("grant_type") == JWT_BEARER:
            return self._id_token_for(form.get("assertion", ""))
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:
                return Reply.json(400, {"error": "invalid_grant"})
            return Reply.json(
                200, {"access_token": self.access_token, "expires_in": 3599, "token_type": "Bearer"}
            )
        return Reply.json(400, {"error": "unsupported_grant_type"})

    def _id_token_for(self, assertion: str) -> Reply:
        """What Google's token endpoint answers a service account's signed assertion."""
        try:
            claims = jwt.decode(
                assertion,
                self.key.public_key(),
                algorithms=["RS256"],
                audience="https://oauth2.googleapis.com/token",
            )
        except jwt.PyJWTError as exc:
            return Reply.json(400, {"error": "invalid_grant", "error_description": str(exc)})
        if claims.get("iss") != self.account or "target_audience" not in claims:
            return Reply.json(400, {"error": "invalid_grant", "error_description": "bad assertion"})
        extra = {"email": self.account, "email_verified": True}
        token = self.mint(claims["target_audience"], {**self.platform_claims(""), **extra})
        return Reply.json(200, {"id_token": token})

    def _generate_id_token(self, request: Request) -> Reply:
        account, _, verb = unquote(request.path[len(IAM_PREFIX) :]).partition(":")
        if verb != "generateIdToken" or account != self.impersonate:
            return Reply.json(404, {"error": {"code": 404, "status": "NOT_FOUND"}})
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return Reply.json(403, {"error": {"code": 403, "status": "PERMISSION_DENIED"}})
        body = request.json()
        claims = {**self.platform_claims(""), "email": account, "email_verified": True}
        return Reply.json(200, {"token": self.mint(body["audience"], claims)})

    def credentials_file(self) -> dict[str, Any]:
        """What the ADC file holds."""
        if self.kind == "service_account":
            pem = self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode()
            return {
                "type": "service_account",
                "project_id": "example-project",
                "private_key_id": self.private_key_id,
                "private_key": pem,
                "client_email": self.account,
                "client_id": "109876543210987654321",
                "token_uri": f"{self.url}/token",
            }
        return {
            "type": "authorized_user",
            "client_id": "764086051850-example.apps.googleusercontent.com",
            "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",  # gcloud's public client secret
            "refresh_token": self.refresh_token,
            "token_uri": f"{self.url}/token",
        }

    def job_environ(self) -> dict[str, str]:
        """The ADC file, and the account to act as for an authorized user."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix="id-google-adc-")
        path = Path(self._tempdir, "application_default_credentials.json")
        path.write_text(json.dumps(self.credentials_file()), encoding="utf-8")
        environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(path)}
        if self.kind != "service_account":
            environ["GOOGLE_SERVICE_ACCOUNT_NAME"] = self.impersonate
            environ["ID_GCP_IAM_ENDPOINT"] = self.url
        return environ
