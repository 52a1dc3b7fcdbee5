"""The providers `detect_credential` knows, in the order it tries them.

1. A token the user hands in (`ID_OIDC_TOKEN`, `ID_OIDC_TOKEN_FILE`): someone who sets it means it.
2. CI platforms: a job runs on a machine that may be a cloud VM or a Kubernetes pod, and the
   job's own identity is the one wanted (a GitLab or Buildkite runner on a Google Cloud VM must
   hand out its CI token, not the VM's).
3. Token files of workloads (Kubernetes, AKS, EKS), set up for the workload on purpose.
4. Cloud metadata last: its presence says least about what is wanted.
5. Opt-in providers (Azure managed identity, gcloud, AWS STS, SPIFFE) are never detected on their
   own, because cloud credentials or a CLI on PATH do not mean a token is wanted: they answer
   only when asked for by name.

The first provider that is present answers, with a token or an `AmbientCredentialError`, unless
it skips (its signal exists for another reason: see `Provider.fetch`): then the next present one
is asked, and None comes back when every present provider skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ._base import Context, Provider, Skipped
from .aks import AzureWorkloadIdentity
from .aws import AwsSts
from .azure_identity import AzureManagedIdentity
from .azure_pipelines import AzurePipelines
from .bitbucket import BitbucketPipelines
from .bitrise import Bitrise
from .buildkite import Buildkite
from .circleci import CircleCI
from .codefresh import Codefresh
from .eks import AwsWebIdentity
from .env0 import Env0
from .explicit import ExplicitToken
from .gcloud import Gcloud
from .gcp import GoogleCloud
from .github import GitHubActions
from .gitlab import GitLabCI
from .kubernetes import Kubernetes
from .semaphore import Semaphore
from .spacelift import Spacelift
from .spiffe import SpiffeWorkloadApi
from .terraform import HCPTerraform

PROVIDERS: tuple[Provider, ...] = (
    ExplicitToken(),
    GitHubActions(),
    GitLabCI(),
    Buildkite(),
    CircleCI(),
    BitbucketPipelines(),
    Semaphore(),
    Spacelift(),
    HCPTerraform(),
    Env0(),
    AzurePipelines(),
    Codefresh(),
    Bitrise(),
    Kubernetes(),
    AzureWorkloadIdentity(),
    AwsWebIdentity(),
    GoogleCloud(),
    # Opt-in: asked for by name only, never detected on their own.
    AzureManagedIdentity(),
    Gcloud(),
    AwsSts(),
    SpiffeWorkloadApi(),
)


def present(environ: Mapping[str, str]) -> Iterator[tuple[Provider, str]]:
    """The providers detection asks, in order, with why each is present: every provider that is
    not opt-in and whose signals `environ` holds."""
    for provider in PROVIDERS:
        if not provider.opt_in:
            reason = provider.detect(environ)
            if reason is not None:
                yield provider, reason


def by_name(name: str) -> Provider:
    """The provider called `name`; raises `UnknownProviderError` listing the names."""
    for provider in PROVIDERS:
        if provider.name == name:
            return provider
    from .._errors import UnknownProviderError

    names = ", ".join(provider.name for provider in PROVIDERS)
    raise UnknownProviderError(f"there is no provider named {name!r}; the providers are: {names}")


__all__ = ["PROVIDERS", "Context", "Provider", "Skipped", "by_name", "present"]
