"""AWS: STS `AssumeRoleWithWebIdentity` with the platform's token (an unsigned call: no AWS
credentials and no boto3 needed), printed as the `credential_process` JSON every AWS SDK reads."""

from __future__ import annotations

from ._common import ExchangeError, identity, received, who

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_AUDIENCE = "sts.amazonaws.com"
#: STS's answers are a few kilobytes; a larger body is refused before it is parsed.
MAX_ANSWER_BYTES = 64 * 1024
# A region name as botocore validates it: a DNS label.
_REGION = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
#: What an IAM trust policy's conditions name (`token.actions.githubusercontent.com:sub`, ...).
TRUST_POLICY_CLAIMS = ("aud", "repository", "job_workflow_ref", "project_path", "email")
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
    import re

    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        region = environ.get(variable, "")
        if not region:
            continue
        if not re.fullmatch(_REGION, region):
            raise ExchangeError(
                f"AWS STS: {variable} is not a region name (letters, digits and hyphens, as "
                "in eu-west-1): check how it is set"
            )
        return f"https://sts.{region}.amazonaws.com"
    return "https://sts.amazonaws.com"


class _DtdRefused(Exception):  # noqa: N818 - an outcome of the scan
    pass


def _refuse_dtd(*_args: object) -> None:
    raise _DtdRefused


def _parse(xml: bytes) -> Any:
    """STS's XML answer; a document with a DTD (entities), in whatever encoding it is written,
    is refused before it is parsed into a tree."""
    from xml.etree import ElementTree
    from xml.parsers import expat

    # expat reads the document's own encoding (UTF-16 included) and reports a DOCTYPE or an
    # entity declaration before expanding anything; only a document with neither is parsed.
    scan = expat.ParserCreate()
    scan.StartDoctypeDeclHandler = _refuse_dtd
    scan.EntityDeclHandler = _refuse_dtd
    try:
        scan.Parse(xml, True)
    except _DtdRefused:
        raise ExchangeError("AWS STS: the answer declares a DTD; refused") from None
    except expat.ExpatError as exc:
        raise ExchangeError(f"AWS STS: the answer is not XML ({exc})") from None
    try:
        # No DTD, so no entity can expand: what defusedxml guards against cannot happen here,
        # and the answer is at most MAX_ANSWER_BYTES.
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

    from .._deadline import Deadline

    environ = os.environ if environ is None else environ
    endpoint = sts_endpoint(environ)
    with Deadline.shared(environ):
        token = identity(audience, environ, "AWS STS")
        return _assume(
            role_arn,
            endpoint=endpoint,
            token=token,
            session_name=session_name,
            duration_seconds=duration_seconds,
            environ=environ,
        )


def _assume(
    role_arn: str,
    *,
    endpoint: str,
    token: str,
    session_name: str | None,
    duration_seconds: int | None,
    environ: Mapping[str, str],
) -> AwsCredentials:
    import time
    from urllib.parse import urlencode

    from .._http import Request, request_once
    from .._redact import summarize

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
            endpoint + "/",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/xml"},
            body=urlencode(form).encode(),
            secrets=[token],
            max_bytes=MAX_ANSWER_BYTES,
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
            detail = summarize(f"{code}: {message}")
        raise ExchangeError(
            f"AWS STS refused AssumeRoleWithWebIdentity for {role_arn}: {detail}. The role's "
            f"trust policy is matched on the token's claims: {who(token, TRUST_POLICY_CLAIMS)}"
        )
    root = _parse(response.body)
    found = root.find(f".//{_NAMESPACE}Credentials")
    if found is None:
        raise ExchangeError("AWS STS: the answer holds no Credentials")
    values = {name: found.findtext(f"{_NAMESPACE}{name}") for name in (
        "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"
    )}  # fmt: skip
    if not all(values.values()):
        raise ExchangeError("AWS STS: the answer's Credentials are incomplete")
    received(str(values["SecretAccessKey"]))
    received(str(values["SessionToken"]))
    return AwsCredentials(Version=1, **values)
