"""Fixtures for the verification tests: a real issuer on loopback, and a real Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from id.testing import OIDCIssuer

AUDIENCE = "https://deploy.example.com"


@pytest.fixture(scope="module")
def issuer() -> Iterator[OIDCIssuer]:
    with OIDCIssuer() as served:
        yield served


def redis_server_binary() -> str | None:
    """Debian's `redis-server`, else the one the PyPI `redis-server` wheel ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redis_server  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = getattr(redis_server, "REDIS_SERVER_PATH", None)
    return str(path) if path else None


@pytest.fixture
def redis_client(tmp_path: Path) -> Iterator[Any]:
    """A client of a real `redis-server` the test starts, listening on a unix socket only (no
    TCP port to pick, free or hope for), stopped afterwards."""
    redis = pytest.importorskip("redis")
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server here (.ci/run installs Debian's)")
    socket_path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(socket_path), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(unix_socket_path=str(socket_path))
    try:
        for _ in range(500):
            if process.poll() is not None:
                pytest.fail(f"redis-server exited with {process.returncode}")
            if os.path.exists(socket_path):
                try:
                    if client.ping():
                        break
                except redis.ConnectionError:
                    pass
            time.sleep(0.02)
        else:
            pytest.fail("redis-server did not start listening")
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)
