"""`gcloud auth print-identity-token` (opt-in): the identity of whoever gcloud is logged in as."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_from_cli
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

IMPERSONATE_VARIABLE = "ID_GCLOUD_IMPERSONATE_SERVICE_ACCOUNT"


class Gcloud(Provider):
    """The Google Cloud CLI, on a person's machine or in a job that ran `gcloud auth login`."""

    name = "gcloud"

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Available when `gcloud` is on PATH."""
        from .. import _subprocess

        path = _subprocess.which("gcloud", environ)
        return f"gcloud is at {path}" if path else None

    def fetch(self, audience: str, context: Context) -> str:
        """Run `gcloud auth print-identity-token --audiences=AUD` (service accounts only)."""
        from .. import _subprocess

        gcloud = _subprocess.which("gcloud", context.environ)
        if gcloud is None:
            raise AmbientCredentialError("gcloud is not on PATH")
        argv = [gcloud, "auth", "print-identity-token", f"--audiences={audience}"]
        account = context.environ.get(IMPERSONATE_VARIABLE, "")
        if account:
            argv.append(f"--impersonate-service-account={account}")
        return token_from_cli(
            argv,
            context,
            self.title,
            "`gcloud auth print-identity-token`",
            fix=(
                f". --audiences needs a service account: check that {account} exists and this "
                "login may impersonate it (roles/iam.serviceAccountOpenIdTokenCreator)"
                if account
                else ". --audiences needs a service account: log in as one "
                "(gcloud auth activate-service-account), or name one to impersonate in "
                f"{IMPERSONATE_VARIABLE}"
            ),
        )
