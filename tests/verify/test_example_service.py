"""docs/verifying.md's example service, run as written with FastAPI's real test client."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from id.testing import OIDCIssuer

DOC = Path(__file__).resolve().parents[2] / "docs" / "verifying.md"
AUDIENCE = "https://deploy.example.com"


def example_source() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: service.py -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/verifying.md lost its example service"
    return match.group(1)


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, OIDCIssuer]]:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    with OIDCIssuer() as issuer:
        monkeypatch.setenv("DEPLOY_OIDC_ISSUER", issuer.url)
        module = types.ModuleType("service")
        exec(compile(example_source(), "docs/verifying.md:service.py", "exec"), module.__dict__)  # noqa: S102 - the documented example itself
        with TestClient(module.app) as client:
            yield client, issuer


def release(**overrides: Any) -> dict[str, Any]:
    claims = {
        "sub": "repo:octo-org/app:environment:production",
        "aud": AUDIENCE,
        "repository": "octo-org/app",
        "repository_id": "123456",
        "repository_owner_id": "654321",
        "environment": "production",
        "ref": "refs/tags/v2.0.0",
        "event_name": "push",
    }
    claims.update(overrides)
    return claims


def test_a_production_tag_release_deploys_once(service: tuple[Any, OIDCIssuer]) -> None:
    client, issuer = service
    token = issuer.mint(release())
    answer = client.post("/deploy", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"deploying": "refs/tags/v2.0.0", "repository": "octo-org/app"}
    again = client.post("/deploy", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 403
    assert "used before" in again.json()["detail"]


def test_a_staging_branch_run_is_told_what_differs(service: tuple[Any, OIDCIssuer]) -> None:
    client, issuer = service
    token = issuer.mint(release(environment="staging", ref="refs/heads/main"))
    answer = client.post("/deploy", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    detail = answer.json()["detail"]
    assert "environment: expected 'production', the token has 'staging'" in detail
    assert "ref: expected 'refs/tags/v*', the token has 'refs/heads/main'" in detail


def test_a_recreated_repository_of_the_same_name_is_refused(
    service: tuple[Any, OIDCIssuer],
) -> None:
    client, issuer = service
    token = issuer.mint(release(repository_id="999999"))
    answer = client.post("/deploy", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert "repository_id" in answer.json()["detail"]


def test_no_token_and_another_audience(service: tuple[Any, OIDCIssuer]) -> None:
    client, issuer = service
    assert client.post("/deploy").status_code == 401
    other = issuer.mint(release(aud="https://other.example.com"))
    answer = client.post("/deploy", headers={"Authorization": f"Bearer {other}"})
    assert answer.status_code == 403
    assert "not for audience" in answer.json()["detail"]
