"""Vercel: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Faults, Vercel
from tests.helpers import claims, job_environ


def test_vercel_default_audience_is_the_builds_own_token() -> None:
    with Vercel() as build:
        environ = job_environ(build.environ)
        assert detect_credential(build.default_audience, environ=environ) == build.build_token
        assert build.requests == []


def test_vercel_exchanges_its_token_for_another_audience() -> None:
    with Vercel() as build:
        token = detect_credential("pypi", environ=job_environ(build.environ))
        (request,) = build.requests
    assert claims(token or "")["aud"] == "pypi"
    assert claims(token or "")["act"] == {"sub": build.default_audience}
    assert request.json() == {"token": build.build_token, "aud": "pypi"}


def test_vercel_without_oidc_names_the_setting() -> None:
    with Vercel(oidc=False) as build:
        with pytest.raises(AmbientCredentialError, match="Secure backend access with OIDC"):
            detect_credential("pypi", environ=job_environ(build.environ))


def test_vercel_exchange_refused_hides_the_token() -> None:
    with Vercel(faults=Faults(status=401, body=b"bad token")) as build:
        with pytest.raises(
            AmbientCredentialError, match="token exchange answered HTTP 401"
        ) as info:
            detect_credential("pypi", environ=job_environ(build.environ))
    assert build.build_token.split(".")[1] not in str(info.value)
