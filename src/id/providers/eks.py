"""EKS IAM roles for service accounts: the web identity token file (audience `sts.amazonaws.com`
unless the service account's annotation says otherwise)."""

from __future__ import annotations

from ._file import FileTokenProvider


class AwsWebIdentity(FileTokenProvider):
    """A pod with IAM roles for service accounts (EKS), or anything that sets the same variable."""

    name = "eks"
    path_variable = "AWS_WEB_IDENTITY_TOKEN_FILE"

    def wrong_audience(self, audience: str) -> str:
        """The audience comes from the service account's annotation."""
        return (
            "The token's audience is sts.amazonaws.com unless the service account is annotated "
            f"with eks.amazonaws.com/audience: {audience}"
        )
