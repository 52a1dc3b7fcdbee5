"""Fixtures shared by the whole suite: a clean environment on any machine."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pytest
from hypothesis import settings

# The suite starts gRPC servers (the SPIFFE emulator) and subprocesses in one process: gRPC's
# fork handlers, meant for a fork without exec, are off (see id/testing/spiffe.py).
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

# No per-example deadline: a loaded two-core machine cannot keep one, and a property test's
# verdict must not depend on the machine's load.
settings.register_profile("id", deadline=None)
settings.load_profile("id")

# Settings that change how id talks to the network, beyond the platforms' own variables.
SETTINGS = frozenset(
    {"ID_TIMEOUT", "ID_OIDC_AUDIENCE", "ID_LOGLEVEL", "ID_GCP_IAM_ENDPOINT", "FORGEJO_ACTIONS"}
    | {"SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE"}
    | {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"}
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test as if on a developer's machine, even when the suite itself runs in CI."""
    from id.testing._environ import platform_variables

    for name in platform_variables(os.environ):
        monkeypatch.delenv(name)
    for name in list(os.environ):
        if name.upper() in SETTINGS:
            monkeypatch.delenv(name)


def on_google_cloud() -> bool:
    """Whether this machine is itself a Google Cloud VM (then "no platform" cannot be tested)."""
    from id.providers import spec

    # Only the DMI file: the variables were cleared for the test.
    return spec("gcp").presence({}) is not None


@pytest.fixture
def off_cloud() -> None:
    """Skip a test that needs a machine where no platform at all is detected."""
    if on_google_cloud():
        pytest.skip("this machine is a Google Cloud VM: id rightly detects it")


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, str]:
    """A server TLS context for 127.0.0.1 (a private CA's certificate, from trustme) and the CA
    bundle that trusts it, for `SSL_CERT_FILE`."""
    import trustme

    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context, str(bundle)
