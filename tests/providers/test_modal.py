"""Modal: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Modal
from tests.helpers import job_environ


def test_modal_token_for_its_audience() -> None:
    with Modal() as container:
        environ = job_environ(container.environ)
        token = detect_credential("oidc.modal.com", environ=environ)
        assert token == environ["MODAL_IDENTITY_TOKEN"]


@pytest.mark.usefixtures("off_cloud")
def test_modal_skips_another_audience_with_the_reason() -> None:
    with Modal() as container:
        environ = job_environ(container.environ)
        assert detect_credential("pypi", environ=environ) is None
        with pytest.raises(AmbientCredentialError, match="Modal issues identity tokens for"):
            detect_credential("pypi", environ=environ, provider="modal")


def test_an_expired_modal_token_is_an_error() -> None:
    with Modal(lifetime=-600) as container:
        with pytest.raises(AmbientCredentialError, match="MODAL_IDENTITY_TOKEN expired .* ago"):
            detect_credential("oidc.modal.com", environ=job_environ(container.environ))
