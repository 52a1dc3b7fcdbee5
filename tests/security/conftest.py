"""The implementation the security suite tests: id's own, or (to prove the suite) a naive one."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--implementation",
        choices=("id", "naive"),
        default="id",
        help="run the security suite against id (default) or the naive fetcher in naive.py",
    )


@pytest.fixture
def implementation(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--implementation"))


@pytest.fixture
def fetch(implementation: str) -> Callable[..., str | None]:
    """`detect_credential(audience, environ=...)` of the implementation under test."""
    if implementation == "naive":
        from tests.security import naive

        return naive.detect_credential
    from id import detect_credential

    return detect_credential


@pytest.fixture
def fetch_identity(implementation: str) -> Callable[..., object]:
    """`detect_identity(audience, environ=...)` of the implementation under test."""
    if implementation == "naive":
        from tests.security import naive

        return naive.detect_identity
    from id import detect_identity

    return detect_identity
