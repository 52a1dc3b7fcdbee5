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
         any_of=("ID_OIDC_TOKEN", "ID_OIDC_TOKEN_FILE"), emulator="fixed:ExplicitToken"),
    # Forgejo's and Gitea's runners set GITHUB_ACTIONS too: asked first, they name themselves.
    Spec("forgejo", "Forgejo Actions", CI_JOB, "forgejo:ForgejoActions",
         any_of=("FORGEJO_ACTIONS", "GITEA_ACTIONS"), emulator="forgejo:ForgejoActions",
         marker="job_workflow_ref", issuers=("*/api/actions",),
         shown=("repository", "ref", "workflow", "event_name", "sha", "run_id"),
         matched=("repository", "workflow_ref", "environment", "ref")),
    Spec("github", "GitHub Actions", CI_JOB, "github:GitHubActions", any_of=("GITHUB_ACTIONS",),
         emulator="github:GitHubActions", marker="job_workflow_ref",
         public_issuer="https://token.actions.githubusercontent.com",
         shown=("repository", "ref", "workflow", "event_name", "sha", "run_id"),
         matched=("repository", "workflow_ref", "environment", "ref"),
         token_prefixes=("ACTIONS_ID_TOKEN_",)),
    Spec("gitlab", "GitLab CI", CI_JOB, "gitlab:GitLabCI", any_of=("GITLAB_CI",),
         emulator="gitlab:GitLabCI", marker="ci_config_ref_uri",
         public_issuer="https://gitlab.com",
         shown=("project_path", "ref", "ref_type", "pipeline_source"),
         matched=("project_path", "ci_config_ref_uri")),
    Spec("buildkite", "Buildkite", CI_JOB, "buildkite:Buildkite", any_of=("BUILDKITE",),
         emulator="buildkite:Buildkite", marker="pipeline_slug",
         public_issuer="https://agent.buildkite.com",
         shown=("organization_slug", "pipeline_slug", "build_branch", "build_commit", "step_key"),
         matched=("organization_slug", "pipeline_slug")),
    Spec("circleci", "CircleCI", CI_JOB, "circleci:CircleCI", any_of=("CIRCLECI",),
         emulator="circleci:CircleCI", marker="oidc.circleci.com/project-id",
         shown=("oidc.circleci.com/project-id", "oidc.circleci.com/vcs-origin",
                "oidc.circleci.com/vcs-ref"),
         token_prefixes=("CIRCLE_OIDC_",)),
    Spec("bitbucket", "Bitbucket Pipelines", CI_JOB, "bitbucket:BitbucketPipelines",
         any_of=("BITBUCKET_BUILD_NUMBER",), emulator="fixed:BitbucketPipelines"),
    Spec("semaphore", "Semaphore", CI_JOB, "semaphore:Semaphore", any_of=("SEMAPHORE",),
         emulator="fixed:Semaphore"),
    # Spacelift and env0 document no variable but their token's to mark a run.
    Spec("spacelift", "Spacelift", CI_JOB, "spacelift:Spacelift",
         any_of=("SPACELIFT_OIDC_TOKEN",), emulator="fixed:Spacelift"),
    Spec("terraform", "HCP Terraform", CI_JOB, "terraform:HCPTerraform",
         prefixes=("TFC_WORKLOAD_IDENTITY_TOKEN",), emulator="fixed:HCPTerraform"),
    Spec("env0", "env0", CI_JOB, "env0:Env0", any_of=("ENV0_OIDC_TOKEN",),
         emulator="fixed:Env0"),
    Spec("azure-pipelines", "Azure Pipelines", CI_JOB, "azure_pipelines:AzurePipelines",
         any_of=("TF_BUILD",), emulator="azure_pipelines:AzurePipelines",
         token_prefixes=("SYSTEM_OIDC",)),
    Spec("codefresh", "Codefresh", CI_JOB, "codefresh:Codefresh",
         any_of=("CF_BUILD_ID", "CF_OIDC_REQUEST_URL"), emulator="codefresh:Codefresh",
         token_prefixes=("CF_OIDC_",)),
    Spec("bitrise", "Bitrise", CI_JOB, "bitrise:Bitrise", any_of=("BITRISE_BUILD_URL",),
         emulator="bitrise:Bitrise", token_prefixes=("BITRISE_",)),
    # Vercel's builds have the token in a variable; its Functions get it per request.
    Spec("vercel", "Vercel", CI_JOB, "vercel:Vercel", any_of=("VERCEL",),
         emulator="vercel:Vercel"),
    Spec("gitpod", "Gitpod", CLOUD_WORKLOAD, "gitpod:Gitpod", any_of=("GITPOD_WORKSPACE_ID",),
         emulator="gitpod:Gitpod"),
    Spec("modal", "Modal", CLOUD_WORKLOAD, "modal:Modal", any_of=("MODAL_IDENTITY_TOKEN",),
         emulator="fixed:Modal"),
    Spec("nomad", "HashiCorp Nomad", TOKEN_FILE, "nomad:Nomad", any_of=("NOMAD_ALLOC_ID",),
         emulator="nomad:Nomad"),
    # Before the web-identity file: Fly's init writes one (for sts.amazonaws.com) too.
    Spec("fly", "Fly.io Machines", CLOUD_WORKLOAD, "fly:FlyMachines",
         all_of=("FLY_APP_NAME", "FLY_MACHINE_ID"), needs_path=("ID_FLY_API_SOCKET", "/.fly/api"),
         signals="FLY_APP_NAME and FLY_MACHINE_ID set, and the socket /.fly/api",
         emulator="fly:FlyMachines"),
    Spec("kubernetes", "Kubernetes", TOKEN_FILE, "kubernetes:Kubernetes",
         all_of=("KUBERNETES_SERVICE_HOST", "ID_KUBERNETES_TOKEN_FILE"),
         emulator="fixed:Kubernetes"),
    Spec("aks", "Azure workload identity (AKS)", TOKEN_FILE, "aks:AzureWorkloadIdentity",
         any_of=("AZURE_FEDERATED_TOKEN_FILE",), emulator="fixed:AzureWorkloadIdentity"),
    Spec("eks", "AWS web identity (EKS)", TOKEN_FILE, "eks:AwsWebIdentity",
         any_of=("AWS_WEB_IDENTITY_TOKEN_FILE",), emulator="fixed:AwsWebIdentity"),
    # Google's serverless runtimes (Cloud Run services, jobs and functions) have no DMI file.
    Spec("gcp", "Google Cloud", CLOUD_WORKLOAD, "gcp:GoogleCloud",
         any_of=("GCE_METADATA_HOST", "GCE_METADATA_IP", "GOOGLE_SERVICE_ACCOUNT_NAME",
                 "K_SERVICE", "CLOUD_RUN_JOB", "FUNCTION_TARGET"),
         files=((DMI_PRODUCT_NAME, GOOGLE_PRODUCT_NAMES),),
         signals="GCE_METADATA_HOST, GCE_METADATA_IP, GOOGLE_SERVICE_ACCOUNT_NAME, K_SERVICE, "
                 "CLOUD_RUN_JOB or FUNCTION_TARGET set, or a Google DMI product name",
         emulator="gcp:GoogleCloud", marker="google",
         public_issuer="https://accounts.google.com", shown=("email",), matched=("email",)),
    # Opt-in: asked for by name only, never detected on their own.
    Spec("azure-identity", "Azure managed identity", CLOUD_WORKLOAD,
         "azure_identity:AzureManagedIdentity", opt_in=True,
         signals="IDENTITY_ENDPOINT and IDENTITY_HEADER set (App Service), or IMDS",
         emulator="azure_identity:AzureManagedIdentity"),
    Spec("gcloud", "gcloud", INTERACTIVE, "gcloud:Gcloud", opt_in=True,
         signals="gcloud on PATH", emulator="gcloud:Gcloud"),
    Spec("aws", "AWS STS", CLOUD_WORKLOAD, "aws:AwsSts", opt_in=True,
         extra="aws", requires=("boto3",),
         signals="AWS credentials and the aws extra (pip install 'id[aws]')",
         emulator="aws:AwsSts"),
    Spec("google-adc", "Google Application Default Credentials", CLOUD_WORKLOAD,
         "google_adc:GoogleAdc", opt_in=True, extra="google", requires=("google.auth",),
         signals="GOOGLE_APPLICATION_CREDENTIALS set (or gcloud's ADC file) and the google "
                 "extra (pip install 'id[google]')",
         emulator="google_adc:GoogleAdc"),
    Spec("vault", "HashiCorp Vault", CLOUD_WORKLOAD, "vault:Vault", opt_in=True,
         signals="VAULT_ADDR and VAULT_TOKEN set, and the role in ID_VAULT_ROLE",
         emulator="vault:Vault"),
    Spec("spiffe", "SPIFFE Workload API", CLOUD_WORKLOAD, "spiffe:SpiffeWorkloadApi",
         opt_in=True, extra="spiffe", requires=("grpc", "google.protobuf"),
         signals="SPIFFE_ENDPOINT_SOCKET set and the spiffe extra (pip install 'id[spiffe]')",
         emulator="spiffe:SpiffeWorkloadApi"),
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
