"""AWS: STS `AssumeRoleWithWebIdentity` with the platform's token (an unsigned call: no AWS
credentials and no boto3 needed), printed as the `credential_process` JSON every AWS SDK reads."""

from __future__ import annotations

from ._common import ExchangeError, identity

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_AUDIENCE = "sts.amazonaws.com"
_NAMESPACE = "{https://sts.amazonaws.com/doc/2011-06-15/}"


class AwsCredentials(dict):  # type: ignore[type-arg]
    """The `credential_process` answer: `Version` 1, `AccessKeyId`, `SecretAccessKey`,
    `SessionToken`, `Expiration` (ISO 8601). Its `repr` hides the secrets."""

    def __repr__(self) -> str:
        return f"AwsCredentials(AccessKeyId={self.get('AccessKeyId')!r}, ...)"


def sts_endpoint(environ: Mapping[str, str]) -> str:
    """Where STS is, as the AWS SDKs choose: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the
    regional endpoint of `AWS_REGION`/`AWS_DEFAULT_REGION`, else the global one."""
    for variable in ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"):
        if environ.get(variable):
            return environ[variable].rstrip("/")
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    return f"https://sts.{region}.amazonaws.com" if region else "https://sts.amazonaws.com"


def _parse(xml: bytes) -> Any:
    """STS's XML answer; a document with a DTD (entities) is refused before it is parsed."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ExchangeError("AWS STS: the answer declares a DTD; refused")
    try:
        # No DTD, so no entity can expand: what defusedxml guards against cannot happen here,
        # and the answer is at most 1 MiB.
        return ElementTree.fromstring(xml)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise ExchangeError(f"AWS STS: the answer is not XML ({exc})") from None


def aws_credentials(
    role_arn: str,
    *,
    session_name: str | None = None,
    duration_seconds: int | None = None,
    audience: str = DEFAULT_AUDIENCE,
    environ: Mapping[str, str] | None = None,
) -> AwsCredentials:
    """Temporary credentials of `role_arn`, assumed with this platform's identity."""
    import os
    import time
    from urllib.parse import urlencode

    from .._http import Request, request_once
    from .._redact import redact

    environ = os.environ if environ is None else environ
    token = identity(audience, environ, "AWS STS")
    form = {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": role_arn,
        "RoleSessionName": session_name or f"id-{int(time.time())}",
        "WebIdentityToken": token,
    }
    if duration_seconds is not None:
        form["DurationSeconds"] = str(duration_seconds)
    response = request_once(
        Request(
            "POST",
            sts_endpoint(environ) + "/",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/xml"},
            body=urlencode(form).encode(),
            secrets=[token],
        ),
        environ,
    )
    if response.status != 200:
        try:
            root = _parse(response.body)
        except ExchangeError:
            detail = response.describe()
        else:
            code = root.findtext(f".//{_NAMESPACE}Code") or root.findtext(".//Code") or "?"
            message = root.findtext(f".//{_NAMESPACE}Message") or root.findtext(".//Message") or ""
            detail = f"{code}: {message}"
        refused = f"AWS STS refused AssumeRoleWithWebIdentity for {role_arn}: {detail}"
        raise ExchangeError(redact(refused, [token]))
    root = _parse(response.body)
    found = root.find(f".//{_NAMESPACE}Credentials")
    if found is None:
        raise ExchangeError("AWS STS: the answer holds no Credentials")
    values = {name: found.findtext(f"{_NAMESPACE}{name}") for name in (
        "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"
    )}  # fmt: skip
    if not all(values.values()):
        raise ExchangeError("AWS STS: the answer's Credentials are incomplete")
    return AwsCredentials(Version=1, **values)
