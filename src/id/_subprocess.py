"""Running an agent CLI (buildkite-agent, circleci) without a shell, in bounded time and size."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO

from . import _log
from ._deadline import Deadline
from ._errors import IdentityError

MAX_OUTPUT_BYTES = 256 * 1024
# After the process exits, how long to wait for its pipes, which a grandchild may still hold open.
_PIPE_GRACE = 1.0


class CommandError(IdentityError):
    """The command could not be run to completion within its limits."""


class Completed:
    """What a finished command returned: its exit status and (size-capped) output."""

    __slots__ = ("returncode", "stderr", "stdout")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def which(program: str, environ: Mapping[str, str]) -> str | None:
    """The path of `program` on the PATH of `environ`, or None."""
    import shutil

    return shutil.which(program, path=environ.get("PATH", os.defpath))


def _drain(stream: IO[bytes], sink: bytearray) -> None:
    # Keep reading past the cap so the child never blocks on a full pipe; keep only the start.
    # os.read returns what is there: a buffered read(n) would wait for n bytes or the end of the
    # pipe, which a grandchild holding the pipe open delays past the command's own exit.
    fd = stream.fileno()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        room = MAX_OUTPUT_BYTES + 1 - len(sink)
        if room > 0:
            sink += chunk[:room]


def run(argv: Sequence[str], *, deadline: Deadline, environ: Mapping[str, str]) -> Completed:
    """Run `argv` with stdin closed; kill it when the deadline's attempt timeout passes.

    Raises `CommandError` on a time-out or output over `MAX_OUTPUT_BYTES`, and `OSError` when it
    cannot be started.
    """
    timeout = deadline.attempt_timeout()
    _log.debug("running %s (time limit %.1f s)", argv[0], timeout)
    process = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(environ),
        start_new_session=os.name == "posix",
    )
    assert process.stdout is not None  # noqa: S101 - PIPE was given
    assert process.stderr is not None  # noqa: S101
    out, err = bytearray(), bytearray()
    readers = [
        threading.Thread(target=_drain, args=(process.stdout, out), daemon=True),
        threading.Thread(target=_drain, args=(process.stderr, err), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise CommandError(
            f"{os.path.basename(argv[0])} did not finish within {timeout:.3g} s and was stopped"
        ) from None
    finally:
        grace_ends = time.monotonic() + _PIPE_GRACE
        for reader in readers:
            reader.join(max(0.0, grace_ends - time.monotonic()))
        # What a grandchild still writes is not the command's answer: stop reading.
        process.stdout.close()
        process.stderr.close()
    if len(out) > MAX_OUTPUT_BYTES or len(err) > MAX_OUTPUT_BYTES:
        raise CommandError(
            f"{os.path.basename(argv[0])} printed more than {MAX_OUTPUT_BYTES} bytes; refused"
        )
    return Completed(returncode, bytes(out), bytes(err))


def _kill(process: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        import signal

        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
    else:  # pragma: no cover - POSIX only in CI
        process.kill()
    process.wait()
