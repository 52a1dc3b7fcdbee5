"""GitHub Actions, GitHub Enterprise Server and Forgejo Actions (the same token protocol)."""

from __future__ import annotations

from .._errors import AmbientCredentialError, GitHubOidcPermissionCredentialError
from ._answers import token_field
from ._base import Context, Provider
from ._spec import is_set

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
    """A GitHub Actions job (github.com or Enterprise Server), or a Forgejo Actions job."""

    name = "github"

    def preflight(self, audience: str, context: Context) -> tuple[str, str, str]:
        """The job's title, request URL and request token; the permission error without them."""
        # FORGEJO_ACTIONS is set by Forgejo's runner (unverified against its docs): only the
        # wording of the messages depends on it.
        forgejo = is_set(context.environ.get("FORGEJO_ACTIONS"))
        title = "Forgejo Actions" if forgejo else self.title
        url = context.url(REQUEST_URL)
        request_token = context.secret(REQUEST_TOKEN)
        if not url or not request_token:
            missing = " and ".join(
                n for n, v in ((REQUEST_URL, url), (REQUEST_TOKEN, request_token)) if not v
            )
            if forgejo:
                fix = "add `enable-openid-connect: true` to the job in the workflow file"
            else:
                fix = (
                    "add `permissions: id-token: write` to the workflow or the job; "
                    "pull requests from forks never get a token"
                )
            raise GitHubOidcPermissionCredentialError(
                f"{title}: this job may not request OIDC tokens ({missing} not set): {fix}"
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
