"""Fixtures shared by the whole suite: a clean environment and a way to run the real CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Variables that make a provider believe it is present, or change how id talks to the network.
PLATFORM_VARIABLES = frozenset(
    {
        "GITHUB_ACTIONS",
        "FORGEJO_ACTIONS",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "GITLAB_CI",
        "BUILDKITE",
        "CIRCLECI",
        "CIRCLE_OIDC_TOKEN",
        "CIRCLE_OIDC_TOKEN_V2",
        "GCE_METADATA_HOST",
        "GCE_METADATA_IP",
        "GOOGLE_SERVICE_ACCOUNT_NAME",
        "ID_GCP_IAM_ENDPOINT",
        "K_SERVICE",
        "CLOUD_RUN_JOB",
        "FUNCTION_TARGET",
        "ID_TIMEOUT",
        "ID_OIDC_AUDIENCE",
        "ID_LOGLEVEL",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    }
)


def _is_platform_variable(name: str) -> bool:
    return (
        name in PLATFORM_VARIABLES
        or name.endswith("_ID_TOKEN")
        or name.lower() in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")
    )


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test as if on a developer's machine, even when the suite itself runs in CI."""
    for name in list(os.environ):
        if _is_platform_variable(name):
            monkeypatch.delenv(name)


def on_google_cloud() -> bool:
    """Whether this machine is itself a Google Cloud VM (then "no platform" cannot be tested)."""
    try:
        product = Path("/sys/class/dmi/id/product_name").read_text().strip()
    except OSError:
        return False
    return product in ("Google", "Google Compute Engine")


@pytest.fixture
def off_cloud() -> None:
    """Skip a test that needs a machine where no platform at all is detected."""
    if on_google_cloud():
        pytest.skip("this machine is a Google Cloud VM: id rightly detects it")
