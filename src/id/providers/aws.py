"""AWS STS `GetWebIdentityToken` (opt-in): an AWS principal's outbound identity token.

Any AWS credentials can ask STS for a JWT for any audience, once the account has enabled outbound
identity federation. boto3 signs the request (the `aws` extra: `pip install 'id[aws]'`).
"""

from __future__ import annotations

from .._errors import AmbientCredentialError, MissingExtraError
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

ALGORITHM_VARIABLE = "ID_AWS_SIGNING_ALGORITHM"
DURATION_SECONDS = 300


class AwsSts(Provider):
    """The AWS principal of boto3's default credential chain."""

    name = "aws"

    def __init__(self, client_factory: Callable[..., Any] | None = None) -> None:
        # Tests hand in botocore's Stubber-wrapped client; everyone else gets boto3's.
        self._client_factory = client_factory

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Available wherever boto3 may find credentials: that is only known by asking."""
        for variable in (
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ):
            if environ.get(variable):
                return f"{variable} is set"
        return "boto3's default credential chain"

    def _client(self, environ: Mapping[str, str], seconds: float) -> Any:
        if self._client_factory is not None:
            return self._client_factory()
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise MissingExtraError("this provider needs boto3: pip install 'id[aws]'") from None
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        # The detection's deadline, handed to botocore: its own defaults (60 s reads, retries)
        # would outlast ID_TIMEOUT many times over.
        seconds = max(seconds, 0.1)
        config = Config(
            connect_timeout=min(5.0, seconds),
            read_timeout=seconds,
            retries={"total_max_attempts": 1 if seconds < 10 else 2, "mode": "standard"},
        )
        return boto3.client("sts", region_name=region, config=config)

    def fetch(self, audience: str, context: Context) -> str:
        """`sts.get_web_identity_token(Audience=[audience], ...)`."""
        algorithm = context.environ.get(ALGORITHM_VARIABLE, "RS256")
        if algorithm not in ("RS256", "ES384"):
            raise AmbientCredentialError(
                f"{ALGORITHM_VARIABLE} must be RS256 or ES384, not {algorithm!r}"
            )
        deadline = context.deadline
        client = self._client(context.environ, deadline.remaining())
        try:
            answer = deadline.bound(
                lambda: client.get_web_identity_token(
                    Audience=[audience],
                    SigningAlgorithm=algorithm,
                    DurationSeconds=DURATION_SECONDS,
                ),
            )
        except TimeoutError:
            raise AmbientCredentialError(
                f"no answer within the {deadline.total:g} s deadline (ID_TIMEOUT)"
            ) from None
        except Exception as exc:
            raise AmbientCredentialError(f"{_describe(exc)}") from None
        token = answer.get("WebIdentityToken") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise AmbientCredentialError("the answer has no WebIdentityToken")
        return token


def _describe(exc: BaseException) -> str:
    """botocore's errors, said with the fix where one is known."""
    from .._redact import summarize

    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        code, message = error.get("Code", "Error"), error.get("Message", "")
        hint = ""
        if "Federation" in code or "federation" in message:
            hint = ": enable outbound identity federation for the account (IAM console)"
        elif code in ("AccessDenied", "AccessDeniedException"):
            hint = ": allow sts:GetWebIdentityToken for this principal"
        return summarize(f"{code}: {message}") + hint
    name = type(exc).__name__
    if name == "NoCredentialsError":
        return "no AWS credentials found (environment, profile, or instance role)"
    return f"{name}: {summarize(str(exc))}"
