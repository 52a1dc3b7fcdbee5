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

Presence is data (`SPECS`), evaluated without importing any provider's module: a machine with no
platform imports none of them, and a detected platform imports only its own.
"""

from __future__ import annotations

from ._base import Context, Provider, Skipped
from ._spec import CI_JOB, CLOUD_WORKLOAD, EXPLICIT, INTERACTIVE, TOKEN_FILE, Spec

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    #: Every provider, loaded (imports every provider module: not for the detection path).
    PROVIDERS: tuple[Provider, ...]

#: The file whose content tells a Google Cloud VM (Compute Engine, GKE nodes) apart.
DMI_PRODUCT_NAME = "/sys/class/dmi/id/product_name"
GOOGLE_PRODUCT_NAMES = frozenset({"Google", "Google Compute Engine"})

SPECS: tuple[Spec, ...] = (
    Spec("token", "Explicit token", EXPLICIT, "explicit:ExplicitToken",
         any_of=("ID_OIDC_TOKEN", "ID_OIDC_TOKEN_FILE")),
    # Forgejo's and Gitea's runners set GITHUB_ACTIONS too: asked first, they name themselves.
    Spec("forgejo", "Forgejo Actions", CI_JOB, "forgejo:ForgejoActions",
         any_of=("FORGEJO_ACTIONS", "GITEA_ACTIONS")),
    Spec("github", "GitHub Actions", CI_JOB, "github:GitHubActions", any_of=("GITHUB_ACTIONS",)),
    Spec("gitlab", "GitLab CI", CI_JOB, "gitlab:GitLabCI", any_of=("GITLAB_CI",)),
    Spec("buildkite", "Buildkite", CI_JOB, "buildkite:Buildkite", any_of=("BUILDKITE",)),
    Spec("circleci", "CircleCI", CI_JOB, "circleci:CircleCI", any_of=("CIRCLECI",)),
    Spec("bitbucket", "Bitbucket Pipelines", CI_JOB, "bitbucket:BitbucketPipelines",
         any_of=("BITBUCKET_BUILD_NUMBER",)),
    Spec("semaphore", "Semaphore", CI_JOB, "semaphore:Semaphore", any_of=("SEMAPHORE",)),
    # Spacelift and env0 document no variable but their token's to mark a run.
    Spec("spacelift", "Spacelift", CI_JOB, "spacelift:Spacelift",
         any_of=("SPACELIFT_OIDC_TOKEN",)),
    Spec("terraform", "HCP Terraform", CI_JOB, "terraform:HCPTerraform",
         prefixes=("TFC_WORKLOAD_IDENTITY_TOKEN",)),
    Spec("env0", "env0", CI_JOB, "env0:Env0", any_of=("ENV0_OIDC_TOKEN",)),
    Spec("azure-pipelines", "Azure Pipelines", CI_JOB, "azure_pipelines:AzurePipelines",
         any_of=("TF_BUILD",)),
    Spec("codefresh", "Codefresh", CI_JOB, "codefresh:Codefresh",
         any_of=("CF_BUILD_ID", "CF_OIDC_REQUEST_URL")),
    Spec("bitrise", "Bitrise", CI_JOB, "bitrise:Bitrise", any_of=("BITRISE_BUILD_URL",)),
    # Vercel's builds have the token in a variable; its Functions get it per request.
    Spec("vercel", "Vercel", CI_JOB, "vercel:Vercel", any_of=("VERCEL",)),
    Spec("gitpod", "Gitpod", CLOUD_WORKLOAD, "gitpod:Gitpod", any_of=("GITPOD_WORKSPACE_ID",)),
    Spec("modal", "Modal", CLOUD_WORKLOAD, "modal:Modal", any_of=("MODAL_IDENTITY_TOKEN",)),
    Spec("nomad", "HashiCorp Nomad", TOKEN_FILE, "nomad:Nomad", any_of=("NOMAD_ALLOC_ID",)),
    # Before the web-identity file: Fly's init writes one (for sts.amazonaws.com) too.
    Spec("fly", "Fly.io Machines", CLOUD_WORKLOAD, "fly:FlyMachines",
         all_of=("FLY_APP_NAME", "FLY_MACHINE_ID"), needs_path=("ID_FLY_API_SOCKET", "/.fly/api"),
         signals="FLY_APP_NAME and FLY_MACHINE_ID set, and the socket /.fly/api"),
    Spec("kubernetes", "Kubernetes", TOKEN_FILE, "kubernetes:Kubernetes",
         all_of=("KUBERNETES_SERVICE_HOST", "ID_KUBERNETES_TOKEN_FILE")),
    Spec("aks", "Azure workload identity (AKS)", TOKEN_FILE, "aks:AzureWorkloadIdentity",
         any_of=("AZURE_FEDERATED_TOKEN_FILE",)),
    Spec("eks", "AWS web identity (EKS)", TOKEN_FILE, "eks:AwsWebIdentity",
         any_of=("AWS_WEB_IDENTITY_TOKEN_FILE",)),
    # Google's serverless runtimes (Cloud Run services, jobs and functions) have no DMI file.
    Spec("gcp", "Google Cloud", CLOUD_WORKLOAD, "gcp:GoogleCloud",
         any_of=("GCE_METADATA_HOST", "GCE_METADATA_IP", "GOOGLE_SERVICE_ACCOUNT_NAME",
                 "K_SERVICE", "CLOUD_RUN_JOB", "FUNCTION_TARGET"),
         files=((DMI_PRODUCT_NAME, GOOGLE_PRODUCT_NAMES),),
         signals="GCE_METADATA_HOST, GCE_METADATA_IP, GOOGLE_SERVICE_ACCOUNT_NAME, K_SERVICE, "
                 "CLOUD_RUN_JOB or FUNCTION_TARGET set, or a Google DMI product name"),
    # Opt-in: asked for by name only, never detected on their own.
    Spec("azure-identity", "Azure managed identity", CLOUD_WORKLOAD,
         "azure_identity:AzureManagedIdentity", opt_in=True,
         signals="IDENTITY_ENDPOINT and IDENTITY_HEADER set (App Service), or IMDS"),
    Spec("gcloud", "gcloud", INTERACTIVE, "gcloud:Gcloud", opt_in=True,
         signals="gcloud on PATH"),
    Spec("aws", "AWS STS", CLOUD_WORKLOAD, "aws:AwsSts", opt_in=True,
         extra="aws", requires=("boto3",),
         signals="AWS credentials and the aws extra (pip install 'id[aws]')"),
    Spec("google-adc", "Google Application Default Credentials", CLOUD_WORKLOAD,
         "google_adc:GoogleAdc", opt_in=True, extra="google", requires=("google.auth",),
         signals="GOOGLE_APPLICATION_CREDENTIALS set (or gcloud's ADC file) and the google "
                 "extra (pip install 'id[google]')"),
    Spec("vault", "HashiCorp Vault", CLOUD_WORKLOAD, "vault:Vault", opt_in=True,
         signals="VAULT_ADDR and VAULT_TOKEN set, and the role in ID_VAULT_ROLE"),
    Spec("spiffe", "SPIFFE Workload API", CLOUD_WORKLOAD, "spiffe:SpiffeWorkloadApi",
         opt_in=True, extra="spiffe", requires=("grpc", "google.protobuf"),
         signals="SPIFFE_ENDPOINT_SOCKET set and the spiffe extra (pip install 'id[spiffe]')"),
)  # fmt: skip


def spec(name: str) -> Spec:
    """The spec of the provider called `name`; raises `UnknownProviderError` listing the names,
    with the closest one when `name` looks like a typo."""
    for each in SPECS:
        if each.name == name:
            return each
    import difflib

    from .._errors import UnknownProviderError

    names = [each.name for each in SPECS]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UnknownProviderError(
        f"there is no provider named {name!r}{hint}; the providers are: {', '.join(names)}"
    )


def by_name(name: str) -> Provider:
    """The provider called `name` (see `spec`)."""
    return spec(name).load()


def present(environ: Mapping[str, str]) -> Iterator[tuple[Provider, str]]:
    """The providers detection asks, in order, with why each is present: every provider that is
    not opt-in and whose signals `environ` holds. Only those are imported."""
    for each in SPECS:
        if not each.opt_in:
            reason = each.presence(environ)
            if reason is not None:
                yield each.load(), reason


def __getattr__(name: str) -> object:
    if name == "PROVIDERS":
        return tuple(each.load() for each in SPECS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PROVIDERS",
    "SPECS",
    "Context",
    "Provider",
    "Skipped",
    "Spec",
    "by_name",
    "present",
    "spec",
]
