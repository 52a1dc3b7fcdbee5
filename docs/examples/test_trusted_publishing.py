"""Testing a trusted-publishing upload end to end, offline.

twine runs inside an emulated GitHub Actions job (the `id_github_actions` fixture that `id` gives
pytest) and uploads to a local package index. Like PyPI, the index exchanges the job's OIDC token
for an upload token, after verifying it against the job's issuer and checking that the token
names the trusted repository: `id.testing.PyPIIndex` plays that index.

Needs `pip install 'id[testing]' twine trustme`.
"""

from __future__ import annotations

import ssl
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from id.testing import Emulator, PyPIIndex

TRUSTED_REPOSITORY = "octo-org/octo-repo"  # the trusted publisher registered on the index


@pytest.fixture
def index(
    id_github_actions: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[PyPIIndex, str]]:
    """The index, over HTTPS with a private CA that requests (inside twine) is told to trust."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(tls)
    trusted = {"repository": TRUSTED_REPOSITORY}
    with PyPIIndex(id_github_actions.issuer.url, trusted, tls=tls) as served:
        yield served, f"{served.url}/legacy/"


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
    index: tuple[PyPIIndex, str], wheel: Path
) -> None:
    local_index, repository_url = index
    publish(repository_url, wheel)
    assert local_index.uploads == [("example-pkg", "0.1.0", wheel.name)]


def test_a_fork_is_not_a_trusted_publisher(
    index: tuple[PyPIIndex, str], wheel: Path, id_github_actions: Emulator
) -> None:
    from twine.exceptions import TrustedPublishingFailure

    id_github_actions.claim_overrides["repository"] = "someone/fork"
    local_index, repository_url = index
    with pytest.raises(TrustedPublishingFailure, match="repository is 'someone/fork'"):
        publish(repository_url, wheel)
    assert local_index.uploads == []
