"""Testing a trusted-publishing upload end to end, offline.

twine runs inside an emulated GitHub Actions job (the `id_github_actions` fixture that `id` gives
pytest) and uploads to a local package index. Like PyPI, the index exchanges the job's OIDC token
for an upload token, after verifying it with `IdentityToken.verify` against the job's issuer and
checking that the token names the trusted repository.

Needs `pip install 'id[testing]' twine trustme`.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import secrets
import ssl
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from id import IdentityError, IdentityToken
from id.testing import Emulator, LoopbackServer, Reply, Request

TRUSTED_REPOSITORY = "octo-org/octo-repo"  # the trusted publisher registered on the index


class LocalIndex:
    """The two halves of trusted publishing: token exchange, then uploads with the new token."""

    def __init__(self, trusted_issuer: str) -> None:
        self.trusted_issuer = trusted_issuer
        self.upload_token = "pypi-" + secrets.token_urlsafe(24)
        self.uploads: list[tuple[str, str, str]] = []

    def audience(self, _request: Request) -> Reply:
        return Reply.json(200, {"audience": "pypi"})

    def mint_token(self, request: Request) -> Reply:
        try:
            claims = IdentityToken(request.json()["token"]).verify(
                audience="pypi", issuer=self.trusted_issuer
            )
        except IdentityError as error:
            return self.refuse("invalid-token", str(error))
        if claims.get("repository") != TRUSTED_REPOSITORY:
            return self.refuse(
                "invalid-publisher", f"no trusted publisher for {claims.get('repository')}"
            )
        return Reply.json(
            200, {"success": True, "token": self.upload_token, "expires": int(time.time()) + 900}
        )

    def upload(self, request: Request) -> Reply:
        expected = base64.b64encode(f"__token__:{self.upload_token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Reply.text(403, "Invalid or non-existent authentication information.")
        head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        fields = {
            part.get_param("name", header="content-disposition"): part for part in form.iter_parts()
        }
        self.uploads.append(
            (
                fields["name"].get_content().strip(),
                fields["version"].get_content().strip(),
                fields["content"].get_filename(),
            )
        )
        return Reply.text(200, "OK")

    @staticmethod
    def refuse(code: str, description: str) -> Reply:
        return Reply.json(422, {"errors": [{"code": code, "description": description}]})


@pytest.fixture
def index(
    id_github_actions: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LocalIndex, str]]:
    """The index, over HTTPS with a private CA that requests (inside twine) is told to trust."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(tls)
    index = LocalIndex(trusted_issuer=id_github_actions.issuer.url)
    routes = {
        "/_/oidc/audience": index.audience,
        "/_/oidc/mint-token": index.mint_token,
        "/legacy/": index.upload,
    }
    server = LoopbackServer(routes, tls=tls).start()
    yield index, f"{server.url}/legacy/"
    server.stop()


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """A minimal wheel to upload."""
    path = tmp_path / "example_pkg-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("example_pkg/__init__.py", "")
        archive.writestr(
            "example_pkg-0.1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: example-pkg\nVersion: 0.1.0\n",
        )
        archive.writestr(
            "example_pkg-0.1.0.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr("example_pkg-0.1.0.dist-info/RECORD", "")
    return path


def publish(repository_url: str, wheel: Path) -> None:
    """What `twine upload` does in a release job with trusted publishing."""
    from twine.auth import CredentialInput, Resolver
    from twine.commands.upload import upload
    from twine.settings import Settings

    config = {"repository": repository_url, "username": "__token__", "password": None}
    token = Resolver(config, CredentialInput()).make_trusted_publishing_token()  # type: ignore[arg-type]
    settings = Settings(
        repository_url=repository_url,
        username="__token__",
        password=token,
        non_interactive=True,
        disable_progress_bar=True,
    )
    upload(settings, [str(wheel)])


def test_release_job_publishes_with_trusted_publishing(
    index: tuple[LocalIndex, str], wheel: Path
) -> None:
    local_index, repository_url = index
    publish(repository_url, wheel)
    assert local_index.uploads == [("example-pkg", "0.1.0", wheel.name)]


def test_a_fork_is_not_a_trusted_publisher(
    index: tuple[LocalIndex, str], wheel: Path, id_github_actions: Emulator
) -> None:
    from twine.exceptions import TrustedPublishingFailure

    id_github_actions.claim_overrides["repository"] = "someone/fork"
    local_index, repository_url = index
    with pytest.raises(TrustedPublishingFailure, match="no trusted publisher for someone/fork"):
        publish(repository_url, wheel)
    assert local_index.uploads == []
