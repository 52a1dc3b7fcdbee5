"""Platforms that hand a job a token for an audience fixed in their configuration: in a variable
(Bitbucket, Semaphore, Spacelift, HCP Terraform, env0) or in a rotated file (Kubernetes, AKS, EKS).

Each emulator declares its `audiences` as the job's configuration would, and the token it sets is
signed by its issuer, whose discovery document and JWKS its server serves.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ._emulator import Emulator


class FixedAudienceJob(Emulator):
    """A job whose configuration declares `audiences` (the platform's default when empty).

    A platform's facts are given with its class, `class Env0(_VariableJob, platform="env0",
    variable="ENV0_OIDC_TOKEN", default_audience=...)`: the platform's name, the variable or
    file variable the token goes to, the default audience and the presence variables."""

    default_audience = "pypi"
    presence: ClassVar[Mapping[str, str]] = {}
    variable = ""

    def __init_subclass__(cls, **facts: Any) -> None:
        super().__init_subclass__()
        for name, value in facts.items():
            if name not in ("platform", "variable", "default_audience", "presence"):
                raise TypeError(f"{cls.__name__}: unknown platform fact {name!r}")
            setattr(cls, name, value)
        if "platform" in facts and "variable" not in facts:
            # The variable the platform's spec is detected by holds the token (Spacelift, env0).
            from ..providers import spec

            cls.variable = spec(facts["platform"]).any_of[0]

    #: The audiences the job's configuration declares (the platform's default when empty).
    audiences: Sequence[str] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        self.audiences = list(self.audiences) or [self.default_audience]

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A subject naming the job."""
        return {"sub": f"{self.platform}:example:job"}

    def token(self) -> str:
        """A token for the declared audiences (one `aud`, or a list of them)."""
        audience: Any = self.audiences[0] if len(self.audiences) == 1 else self.audiences
        claims = {**self.platform_claims(self.audiences[0]), "aud": audience}
        return self.issuer.mint({**claims, **self.claim_overrides}, lifetime=self.lifetime)


class _VariableJob(FixedAudienceJob):
    def job_environ(self) -> dict[str, str]:
        """The platform's variables and the token."""
        return {**self.presence, self.variable: self.token()}


class BitbucketPipelines(
    _VariableJob,
    platform="bitbucket",
    presence={"BITBUCKET_BUILD_NUMBER": "42", "CI": "true"},
    variable="BITBUCKET_STEP_OIDC_TOKEN",
):
    """A step with `oidc: true` and `oidc: audiences:` listing `audiences`."""


class Semaphore(
    _VariableJob,
    platform="semaphore",
    default_audience="https://example.semaphoreci.com",
    presence={"SEMAPHORE": "true", "CI": "true"},
    variable="SEMAPHORE_OIDC_TOKEN",
):
    """A Semaphore job of an organisation with OIDC tokens enabled."""


class Spacelift(_VariableJob, platform="spacelift", default_audience="example.app.spacelift.io"):
    """A Spacelift run (its token variable is the one its spec names)."""


class Env0(_VariableJob, platform="env0", default_audience="https://prod.env0.com"):
    """An env0 deployment with OIDC enabled (its token variable is the one its spec names)."""


class HCPTerraform(FixedAudienceJob):
    """A run whose workspace declares one tagged pair per audience
    (`TFC_WORKLOAD_IDENTITY_AUDIENCE_<N>`)."""

    platform = "terraform"

    def job_environ(self) -> dict[str, str]:
        """One audience/token pair per declared audience."""
        environ = {}
        for index, audience in enumerate(self.audiences):
            environ[f"TFC_WORKLOAD_IDENTITY_AUDIENCE_A{index}"] = audience
            claims = {**self.platform_claims(audience), "aud": audience, **self.claim_overrides}
            environ[f"TFC_WORKLOAD_IDENTITY_TOKEN_A{index}"] = self.issuer.mint(
                claims, lifetime=self.lifetime
            )
        return environ


class _FileJob(FixedAudienceJob):
    def job_environ(self) -> dict[str, str]:
        """The token file (see `rotate`) and the variable naming it."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix=f"id-{self.platform}-")
        self.path = Path(self._tempdir, "token")
        self.rotate()
        return {**self.presence, self.variable: str(self.path)}

    def rotate(self) -> str:
        """Write a fresh token to the file, as the platform does before the old one expires."""
        token = self.token()
        self.path.write_text(token, encoding="utf-8")
        return token


class Kubernetes(
    _FileJob,
    platform="kubernetes",
    presence={"KUBERNETES_SERVICE_HOST": "10.96.0.1"},
    variable="ID_KUBERNETES_TOKEN_FILE",
):
    """A pod with a projected service-account token for `audiences`."""


class AzureWorkloadIdentity(
    _FileJob,
    platform="aks",
    default_audience="api://AzureADTokenExchange",
    variable="AZURE_FEDERATED_TOKEN_FILE",
):
    """An AKS pod with workload identity."""


class AwsWebIdentity(
    _FileJob,
    platform="eks",
    default_audience="sts.amazonaws.com",
    variable="AWS_WEB_IDENTITY_TOKEN_FILE",
):
    """An EKS pod with IAM roles for service accounts."""


class ExplicitToken(
    _VariableJob,
    platform="token",
    variable="ID_OIDC_TOKEN",
):
    """A user handing in a token with `ID_OIDC_TOKEN`."""


class Modal(
    _VariableJob,
    platform="modal",
    default_audience="oidc.modal.com",
    variable="MODAL_IDENTITY_TOKEN",
):
    """A Modal Function container: `MODAL_IDENTITY_TOKEN`, for `oidc.modal.com` (the token
    lives as long as Modal's, 48 h; `lifetime=` shortens it to test an expired container)."""
