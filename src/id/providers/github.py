"""GitHub Actions, GitHub Enterprise Server and Forgejo Actions (the same token protocol)."""

from __future__ import annotations

from .._errors import AmbientCredentialError, GitHubOidcPermissionCredentialError
from ._answers import token_field
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .._http import Response

REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL"
REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"  # noqa: S105 - a variable name, not a secret


def token_from_answer(response: Response, title: str = "GitHub Actions") -> str:
    """The token in the endpoint's answer, `{"count": N, "value": "<jwt>"}`."""
    return token_field(response, "value", title, "the token endpoint")


class GitHubActions(Provider):
    """A GitHub Actions job (github.com or Enterprise Server). Forgejo's runner speaks the same
    protocol (`forgejo.py`)."""

    name = "github"
    #: What the job must say to get OIDC tokens, for the error when it has none.
    permission_fix = (
        "add `permissions: id-token: write` to the workflow or the job; pull requests from forks "
        "never get a token"
    )
    #: The class of that error: sigstore reads this one as "fix `permissions:`".
    permission_error: type[AmbientCredentialError] = GitHubOidcPermissionCredentialError

    def job_title(self, context: Context) -> str:
        """The platform the job runs on, for messages."""
        del context
        return self.title

    def preflight(self, audience: str, context: Context) -> tuple[str, str, str]:
        """The job's title, request URL and request token; the permission error without them."""
        title = self.job_title(context)
        url = context.url(REQUEST_URL)
        request_token = context.secret(REQUEST_TOKEN)
        if not url or not request_token:
            missing = " and ".join(
                n for n, v in ((REQUEST_URL, url), (REQUEST_TOKEN, request_token)) if not v
            )
            raise self.permission_error(
                f"{title}: this job may not request OIDC tokens ({missing} not set): "
                f"{self.permission_fix}"
            )
        return title, url, request_token

    def fetch(self, audience: str, context: Context) -> str:
        """GET the request URL with the audience added, authorised by the request token."""
        title, url, request_token = self.preflight(audience, context)
        from .._http import Request
        from .._values import with_query

        response = context.http.send(
            Request(
                "GET",
                with_query(url, {"audience": audience}),
                # Lower-case "bearer" as PyPI's id sends it; GitHub accepts either.
                headers={"Accept": "application/json", "Authorization": f"bearer {request_token}"},
                secrets=[request_token],
            )
        )
        if response.status in (401, 403):
            # Not GitHubOidcPermissionCredentialError: the job has the permission (it got the
            # request variables), so advice about `permissions:` would mislead; PyPI's id 1.6.1
            # raises the subclass only for the missing variables too.
            raise AmbientCredentialError(
                f"{title}: the token endpoint refused the job's request token "
                f"({response.describe()}): the request token is only valid while its job runs; "
                "request the OIDC token from the job itself, not from a later or another job"
            )
        return token_from_answer(response, title)
