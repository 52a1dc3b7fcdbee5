"""The bounded subprocess runner, with real programs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from id._deadline import Deadline
from id._subprocess import MAX_OUTPUT_BYTES, CommandError, run, which


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys, time, subprocess\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_output_and_status(tmp_path: Path) -> None:
    program = script(tmp_path, "ok", "print('out'); print('err', file=sys.stderr); sys.exit(3)")
    result = run([program], deadline=Deadline(10), environ={})
    assert (result.returncode, result.stdout, result.stderr) == (3, b"out\n", b"err\n")


def test_no_shell_interpretation(tmp_path: Path) -> None:
    program = script(tmp_path, "argv", "print(sys.argv[1:])")
    result = run([program, "$(echo hi); rm -rf /"], deadline=Deadline(10), environ={})
    assert result.stdout == b"['$(echo hi); rm -rf /']\n"


def test_stdin_is_closed(tmp_path: Path) -> None:
    program = script(tmp_path, "reader", "print(repr(sys.stdin.read()))")
    assert run([program], deadline=Deadline(10), environ={}).stdout == b"''\n"


def test_hanging_program_is_killed_with_its_children(tmp_path: Path) -> None:
    # The child starts a grandchild that keeps the pipes open: both must go.
    program = script(
        tmp_path,
        "hang",
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)",
    )
    started = time.monotonic()
    with pytest.raises(CommandError, match="did not finish within 1 s and was stopped"):
        run([program], deadline=Deadline(1), environ={})
    assert time.monotonic() - started < 4


def test_output_over_the_cap_is_refused(tmp_path: Path) -> None:
    program = script(tmp_path, "loud", f"sys.stdout.write('x' * {MAX_OUTPUT_BYTES * 4})")
    with pytest.raises(CommandError, match="printed more than"):
        run([program], deadline=Deadline(10), environ={})


def test_which_uses_the_given_path(tmp_path: Path) -> None:
    program = script(tmp_path, "tool", "")
    assert which("tool", {"PATH": str(tmp_path)}) == program
    assert which("tool", {"PATH": "/nonexistent"}) is None
