"""Helpers for tests that are not fixtures."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from id._jwt import unverified_claims


def claims(token: str) -> dict[str, Any]:
    """The unverified payload of `token`."""
    return unverified_claims(token)


def run_id(
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI, `python -m id ARGS...`, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "id", *args],
        env=dict(os.environ if env is None else env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def job_environ(extra: Mapping[str, str]) -> dict[str, str]:
    """The (clean) environment of this process with a job's variables added."""
    return {**os.environ, **extra}


def json_lines(text: str) -> list[Any]:
    """Each line of `text` parsed as JSON."""
    return [json.loads(line) for line in text.splitlines()]


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on loopback whose every connection is given to `handle` in a thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=_serve, args=(connection,), daemon=True).start()

    def _serve(connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            handle(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections and that nothing else can take meanwhile: it is
    bound, and never listens."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


def make_wheel(folder: Path) -> Path:
    """A minimal wheel to upload."""
    import zipfile

    path = folder / "example_pkg-0.1.0-py3-none-any.whl"
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


def run_exchange(
    *args: str, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real exchange command line, `python -m id.exchange ARGS...`, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "id.exchange", *args],
        env=dict(env), capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
