"""The testing kit as a downstream project uses it: the pytest plugin and `python -m id.testing`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from id.testing import EMULATORS, clean_environ
from id.testing._environ import platform_variables
from tests.helpers import job_environ

pytest_plugins = ["pytester"]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "testing.md"


def test_the_documented_ten_line_test_passes(pytester: pytest.Pytester) -> None:
    documented = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)[0]
    pytester.makepyfile(
        test_documented=documented,
        test_clean="""
        import os

        def test_clean_environment(id_clean_environment):
            assert "GITLAB_CI" not in os.environ
        """,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GITLAB_CI", "true")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_documented_sign_in_test_passes(pytester: pytest.Pytester) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)
    (documented,) = [block for block in blocks if "def test_sign_in" in block]
    pytester.makepyfile(test_sign_in=documented)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_fixtures_restore_the_environment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        def test_inside(id_gitlab_ci, id_buildkite):
            assert os.environ["GITLAB_CI"] == "true"
            assert os.environ["BUILDKITE"] == "true"
            assert "PYPI_ID_TOKEN" in os.environ

        def test_after():
            assert "GITLAB_CI" not in os.environ
            assert "BUILDKITE" not in os.environ
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_id_job_factory_takes_options_and_names(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from id import AmbientCredentialError, detect_credential
        from id.testing import Faults

        def test_flaky(id_job):
            job = id_job("github", faults=Faults(status=503, times=1))
            assert detect_credential("pypi")
            assert len(job.requests) == 2

        def test_unknown(id_job):
            with pytest.raises(ValueError, match="no emulator named 'jenkins'"):
                id_job("jenkins")
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=2)


def test_platform_fixture_hides_the_ci_the_suite_runs_in(pytester: pytest.Pytester) -> None:
    # A downstream suite running on GitHub Actions still gets a GitLab job from id_gitlab_ci.
    pytester.makepyfile(
        """
        from id import detect_identity

        def test_gitlab(id_gitlab_ci):
            assert detect_identity("pypi").platform.name == "gitlab"
        """
    )
    environ = {"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x.invalid"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_clean_environ_drops_every_platform_variable() -> None:
    dirty = {
        "GITHUB_ACTIONS": "true",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "x",
        "GITLAB_CI": "true",
        "PYPI_ID_TOKEN": "x",
        "K_SERVICE": "svc",
        "CIRCLE_OIDC_TOKEN_V2": "x",
        "HOME": "/root",
        "GITHUB_ACTIONS_X": "kept: not a signal",
    }
    assert clean_environ(dirty) == {"HOME": "/root", "GITHUB_ACTIONS_X": "kept: not a signal"}
    # Opt-in providers (AWS is available anywhere) make no variable a platform's.
    assert clean_environ({"PATH": "/bin", "AWS_PROFILE": "dev"}) == {
        "PATH": "/bin",
        "AWS_PROFILE": "dev",
    }
    assert set(platform_variables(dirty)) == set(dirty) - {"HOME", "GITHUB_ACTIONS_X"}


def run_kit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "id.testing", *args],
        env=job_environ({}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("platform", sorted(EMULATORS))
def test_command_runs_id_inside_every_platform(platform: str) -> None:
    from id.providers import by_name
    from id.testing import FixedAudienceJob

    audience = "api://AzureADTokenExchange" if platform == "azure-pipelines" else "pypi"
    # Platforms whose audience is configured declare it; opt-in ones answer only by name.
    declare = ["--audience", audience] if issubclass(EMULATORS[platform], FixedAudienceJob) else []
    choose = ["--provider", platform] if by_name(platform).opt_in else []
    result = run_kit(
        platform, *declare, "--", sys.executable, "-m", "id", *choose, "--json", audience
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0] == f"id.testing: emulating {platform}"
    issuer = lines[1].removeprefix("id.testing: issuer ")
    jwks = json.loads(lines[2].removeprefix("id.testing: jwks "))
    assert document["issuer"] == issuer
    assert document["header"]["kid"] == jwks["keys"][0]["kid"]
    assert document["audience"] == [audience]


def test_command_with_claims_and_faults() -> None:
    result = run_kit(
        "github", "--claim", "repository=me/app", "--claim", "run_attempt=2", "--",
        sys.executable, "-m", "id", "--json", "pypi",
    )  # fmt: skip
    claims = json.loads(result.stdout)["claims"]
    assert (claims["repository"], claims["run_attempt"]) == ("me/app", 2)
    failing = run_kit("github", "--fail-status", "500", "--", sys.executable, "-m", "id", "pypi")
    assert failing.returncode == 1
    assert "HTTP 500" in failing.stderr


def test_command_exit_status_and_errors() -> None:
    assert run_kit("gitlab", "--", sys.executable, "-c", "raise SystemExit(7)").returncode == 7
    assert run_kit("github", "--", "no-such-command-here").returncode == 127
    assert run_kit("github").returncode == 2
    assert (
        "this one takes it at run time" in run_kit("github", "--audience", "x", "--", "true").stderr
    )


def test_every_fixture_the_plugin_registers_starts_with_id_() -> None:
    # The plugin loads in every downstream test run that installs id: a bare name such as
    # `github_actions` would clash with a project's own fixture.
    import inspect

    from id import _pytest_plugin

    fixtures = [
        name
        for name, value in inspect.getmembers(_pytest_plugin)
        if hasattr(value, "_fixture_function_marker")
        or type(value).__name__ == "FixtureFunctionDefinition"
    ]
    assert len(fixtures) >= 8
    assert all(name.startswith("id_") for name in fixtures), fixtures


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"


def _guide_shell_lines() -> list[str]:
    import re

    text = GUIDE.read_text(encoding="utf-8")
    return [
        line
        for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
        for line in block.splitlines()
        if line.startswith("python -m id.testing ")
    ]


def test_the_testing_guide_has_its_shell_lines() -> None:
    assert len(_guide_shell_lines()) == 12


@pytest.mark.parametrize("line", _guide_shell_lines())
def test_every_shell_line_of_the_testing_guide_runs(line: str) -> None:
    import re
    import shlex
    import subprocess
    import sys

    expected = re.search(r"# exits (\d+)$", line)
    argv = [
        sys.executable if word == "python" else word for word in shlex.split(line, comments=True)
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == (int(expected.group(1)) if expected else 0), (
        line,
        result.stderr[-800:],
    )
    if not expected:
        assert result.stdout, line


@pytest.mark.parametrize("name", ["pypi", "federation"])
def test_every_python_example_of_the_testing_guide_runs(name: str) -> None:
    import re

    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- run: testing.md {name} -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, name
    exec(compile(match.group(1), f"docs/testing.md:{name}", "exec"), {})  # noqa: S102 - the guide's own example
