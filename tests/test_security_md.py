"""SECURITY.md states only what tests show: every test it names exists, and its fault table lists
exactly the fault suite's cases (the table itself is written by bench/faults.py from a run)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.security.test_faults import CASES, PROVIDERS

ROOT = Path(__file__).resolve().parent.parent
SECURITY = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_test_named_exists() -> None:
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", SECURITY)
    assert len(named) >= 20
    for path, function in named:
        source = ROOT / path
        assert source.is_file(), path
        if function:
            tree = ast.parse(source.read_text(encoding="utf-8"))
            defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
            assert function in defined, f"{path}::{function}"


def test_the_fault_table_lists_the_suite_exactly() -> None:
    table = SECURITY.split("<!-- faults -->", 1)[1].split("<!-- /faults -->", 1)[0]
    rows = [line.split("|")[1:3] for line in table.strip().splitlines()[2:]]
    listed = [(case.strip(), provider.strip()) for case, provider in rows]
    assert listed == [(case, provider) for case in CASES for provider in PROVIDERS]
