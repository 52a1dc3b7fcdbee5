"""`python -m id` run for real in a subprocess, against the emulators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from id.__main__ import Arguments, parse, parse_common
from id.testing import AwsWebIdentity, GitHubActions, GitLabCI, OIDCIssuer
from tests.helpers import claims, job_environ, run_id


def test_prints_the_token_and_nothing_else() -> None:
    with GitHubActions() as job:
        result = run_id("sigstore", env=job_environ(job.environ))
    assert result.returncode == 0, result.stderr
    token, newline, rest = result.stdout.partition("\n")
    # Only the runner's mask command, which the runner consumes (never shown in the log).
    assert result.stderr == f"::add-mask::{token}\n"
    assert (newline, rest) == ("\n", "")
    assert claims(token)["aud"] == "sigstore"


def test_decode_prints_header_and_payload_json() -> None:
    with GitHubActions(repository="octo/demo") as job:
        result = run_id("-d", "sigstore", env=job_environ(job.environ))
    assert result.returncode == 0, result.stderr
    header, payload = (json.loads(line) for line in result.stdout.splitlines())
    assert header["alg"] == "RS256"
    assert payload["repository"] == "octo/demo"
    assert payload["aud"] == "sigstore"


def test_audience_from_id_oidc_audience() -> None:
    with GitHubActions() as job:
        result = run_id(env=job_environ({**job.environ, "ID_OIDC_AUDIENCE": "pypi"}))
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["aud"] == "pypi"


def test_argument_wins_over_id_oidc_audience() -> None:
    with GitHubActions() as job:
        result = run_id("sigstore", env=job_environ({**job.environ, "ID_OIDC_AUDIENCE": "pypi"}))
    assert claims(result.stdout.strip())["aud"] == "sigstore"


def test_missing_audience_is_a_usage_error() -> None:
    result = run_id(env=job_environ({}))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "give an AUDIENCE argument or set ID_OIDC_AUDIENCE" in result.stderr


def test_version() -> None:
    result = run_id("-V")
    assert (result.returncode, result.stdout) == (0, "id 2.0.0\n")


def test_help_documents_the_exit_codes() -> None:
    result = run_id("--help")
    assert result.returncode == 0
    assert "exit status: 0 token printed" in " ".join(result.stdout.split())


@pytest.mark.usefixtures("off_cloud")
def test_no_platform_prints_nothing_and_exits_3() -> None:
    result = run_id("sigstore", env=job_environ({}))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith(
        "id: no supported environment detected (checked: Explicit token, Forgejo Actions, "
    )


def test_permission_error_is_one_line_with_the_fix() -> None:
    with GitHubActions(id_token_permission=False) as job:
        result = run_id("sigstore", env=job_environ(job.environ))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("id: error: GitHub Actions: ")
    assert "permissions: id-token: write" in line


def test_gitlab_error_shows_the_yaml() -> None:
    with GitLabCI() as job:
        result = run_id("pypi", env=job_environ(job.environ))
    assert result.returncode == 1
    assert "  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi\n" in result.stderr


def test_verbose_logs_and_traceback_never_show_secrets() -> None:
    with GitHubActions(claims={"aud": "other"}) as job:
        result = run_id("-vv", "sigstore", env=job_environ(job.environ))
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "DEBUG" in result.stderr
    assert "GitHub Actions detected: GITHUB_ACTIONS=true" in result.stderr
    assert job.request_token not in result.stderr
    assert "eyJ" not in result.stderr


def test_verbose_success_keeps_the_token_off_stderr() -> None:
    with GitHubActions() as job:
        result = run_id("-v", "sigstore", env=job_environ(job.environ))
    token = result.stdout.strip()
    assert result.returncode == 0
    assert "GET http://127.0.0.1" in result.stderr
    logged = [line for line in result.stderr.splitlines() if not line.startswith("::add-mask::")]
    assert token not in "\n".join(logged)
    assert job.request_token not in result.stderr


def test_id_loglevel_debug() -> None:
    with GitHubActions() as job:
        result = run_id("sigstore", env=job_environ({**job.environ, "ID_LOGLEVEL": "debug"}))
    assert result.returncode == 0
    assert "GitHub Actions detected" in result.stderr


_WORDS = [
    "-v",
    "--verbose",
    "-vv",
    "-vvv",
    "-d",
    "--decode",
    "pypi",
    "sigstore",
    "",
    "-",
    "--",
    "-x",
    "--verb",
    "-dv",
    "-V",
]


@given(st.lists(st.sampled_from(_WORDS), max_size=5))
def test_fast_parser_agrees_with_argparse(argv: list[str]) -> None:
    fast = parse_common(argv)
    if fast is None:
        return
    try:
        slow = parse(argv)
    except SystemExit:  # pragma: no cover - a failure: argparse refused what the fast path took
        pytest.fail(f"argparse refuses {argv!r}, the fast path accepted it as {fast!r}")
    assert repr(fast) == repr(slow)


def test_fast_parser_leaves_the_rest_to_argparse() -> None:
    for argv in (["-h"], ["-V"], ["--verb", "x"], ["-dv", "x"], ["a", "b"], ["--", "x"]):
        assert parse_common(argv) is None
    assert repr(parse_common(["-vv", "-d", "pypi"])) == repr(
        Arguments("pypi", view="decode", verbose=2)
    )


def test_show_is_readable_and_says_the_signature_is_unchecked() -> None:
    with GitHubActions(repository="octo/app") as job:
        token = run_id("pypi", env=job_environ(job.environ)).stdout
    result = run_id("--token", "-", env=job_environ({}), input=token)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["audience"].strip() == "pypi"
    assert lines["platform"].strip() == "GitHub Actions"
    assert lines["  repository"].strip() == "octo/app"
    assert "in 5 min" in lines["expires"] or "in 4 min" in lines["expires"]
    assert "not verified" in lines["signature"]


def test_show_marks_an_expired_token() -> None:
    with GitHubActions(lifetime=-120) as job:
        token = job.mint("pypi")
    result = run_id("--show", "--token", token, env=job_environ({}))
    # What the token says is shown, and the exit status says it cannot be used (as documented).
    assert result.returncode == 4
    assert "EXPIRED:" in result.stdout
    assert "ago)" in result.stdout
    assert "expired at" in result.stderr


def test_show_marks_a_token_not_valid_yet_and_checks_the_audience() -> None:
    import time

    issuer = OIDCIssuer()
    later = issuer.mint({"sub": "s", "aud": "pypi", "nbf": int(time.time()) + 3600})
    result = run_id("--show", "--token", later, env=job_environ({}))
    assert result.returncode == 4
    assert "NOT VALID YET:" in result.stdout
    fine = issuer.mint({"sub": "s", "aud": "pypi"})
    assert run_id("--token", fine, "pypi", env=job_environ({})).returncode == 0
    other = run_id("--token", fine, "sigstore", env=job_environ({}))
    assert other.returncode == 4
    assert "the token is for 'pypi', not 'sigstore'" in other.stderr


def test_verify_without_the_verify_extra_says_which_extra(tmp_path: Path) -> None:
    import subprocess
    import sys

    token = OIDCIssuer().mint({"sub": "s", "aud": "pypi"})
    source = package_alone(tmp_path)
    script = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if 'site-packages' not in p] + [{source!r}]\n"
        "from id.__main__ import run\n"
        f"argv = ['--token', {token!r}, '--verify', '--issuer', 'https://x.example', 'pypi']\n"
        "sys.exit(run(argv))\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=60,
        env=job_environ({}), check=False,
    )  # fmt: skip
    assert result.returncode == 5
    assert "pip install 'id[verify]'" in result.stderr


def test_help_names_the_command_as_it_is_run() -> None:
    result = run_id("--help", env=job_environ({}))
    assert result.stdout.startswith("usage: python -m id ")
    assert run_id("-V", env=job_environ({})).stdout.startswith("id ")


def test_json_view() -> None:
    with GitHubActions() as job:
        result = run_id("--json", "pypi", env=job_environ(job.environ))
    document = json.loads(result.stdout)
    assert document["audience"] == ["pypi"]
    assert document["header"]["alg"] == "RS256"
    assert document["platform"]["name"] == "github"
    assert 0 < document["expires_in_seconds"] <= 300
    assert document["verified"] is False


def test_verify_prints_the_verified_claims() -> None:
    with GitHubActions() as job:
        result = run_id(
            "--verify", "--issuer", job.issuer.url, "pypi", env=job_environ(job.environ)
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["aud"] == "pypi"
    assert result.stderr == ""


def test_verify_failure_exits_4_with_the_reason() -> None:
    with GitHubActions() as job, GitHubActions() as other:
        token = job.mint("pypi")
        result = run_id(
            "--verify", "--issuer", other.issuer.url, "--token", token, "pypi", env=job_environ({})
        )
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.startswith("id: error: ")
    assert "publishes no key" in result.stderr


def test_verify_of_a_given_token_needs_the_audience() -> None:
    result = run_id("--verify", "--token", "a.b.c", env=job_environ({}))
    assert result.returncode == 2
    assert "give the audience to verify" in result.stderr


def test_malformed_token_from_stdin() -> None:
    result = run_id("--token", "-", env=job_environ({}), input="not a token\n")
    assert result.returncode == 1
    assert result.stderr == "id: error: a JWT has 3 dot-separated parts, this token has 1\n"


def test_views_are_mutually_exclusive() -> None:
    result = run_id("--json", "--show", "pypi", env=job_environ({}))
    assert result.returncode == 2


def test_list_providers_explains_an_emulated_job() -> None:
    with GitLabCI(audiences=["pypi"]) as job:
        result = run_id("--list-providers", env=job_environ({**job.environ, "BUILDKITE": "true"}))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert lines["gitlab"].endswith("GitLab CI: DETECTED (GITLAB_CI=true)")
    assert "detected (BUILDKITE=true), but an earlier provider answers" in lines["buildkite"]
    assert lines["github"].endswith("not detected: needs GITHUB_ACTIONS set")
    assert len(lines) == len(__import__("id.providers").providers.PROVIDERS)


def test_explain_says_who_answers_and_how() -> None:
    with GitHubActions() as job:
        result = run_id("--explain", "pypi", env=job_environ(job.environ))
    assert "github" in result.stdout
    assert result.stdout.strip().endswith(
        "GitHub Actions answers: id asks it for a token for 'pypi'."
    )
    with GitLabCI() as job:
        result = run_id("--explain", "pypi", env=job_environ(job.environ))
    assert "uses the token its configuration declares, which must be for 'pypi'" in result.stdout
    # The token is already there to check: say whether it fits, with the fix when it does not.
    assert "It would fail: GitLab CI: no ID token for audience 'pypi'" in result.stdout
    assert "      aud: pypi" in result.stdout
    with GitLabCI(audiences=["pypi"]) as job:
        result = run_id("--explain", "pypi", env=job_environ(job.environ))
    assert result.stdout.endswith("Its token is for 'pypi': it would answer.\n")
    assert "eyJ" not in result.stdout


def test_provider_option_asks_only_that_one() -> None:
    with GitHubActions() as github, GitLabCI(audiences=["pypi"]) as gitlab:
        environ = job_environ({**github.environ, **gitlab.environ})
        result = run_id("--provider", "gitlab", "pypi", env=environ)
        assert github.requests == []
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["iss"] == gitlab.issuer.url
    absent = run_id("--provider", "circleci", "pypi", env=environ)
    assert absent.returncode == 1
    assert "CircleCI was asked for, but is not detected here" in absent.stderr


@pytest.mark.usefixtures("off_cloud")
def test_explain_and_the_debug_log_give_the_reason_a_provider_skips() -> None:
    with AwsWebIdentity() as pod:
        environ = job_environ(pod.environ)
        explained = run_id("--explain", "pypi", env=environ)
        logged = run_id("-v", "pypi", env=environ)
        answered = run_id("--explain", "sts.amazonaws.com", env=environ)
    line = next(line for line in explained.stdout.splitlines() if line.startswith("eks "))
    assert "but skipped: the file" in line
    assert "holds a token for 'sts.amazonaws.com', not 'pypi'" in line
    assert "No provider answers here: no token for 'pypi'" in explained.stdout
    assert explained.returncode == 3
    assert "AWS web identity (EKS) skipped: the file" in logged.stderr
    assert (logged.stdout, logged.returncode) == ("", 3)
    assert "it would answer" in answered.stdout
    assert answered.returncode == 0
    assert "eyJ" not in explained.stdout + logged.stderr + answered.stdout


def test_explain_exits_non_zero_when_it_predicts_a_failure() -> None:
    with GitLabCI() as job:
        result = run_id("--explain", "pypi", env=job_environ(job.environ))
    assert "It would fail: GitLab CI: no ID token for audience 'pypi'" in result.stdout
    assert result.returncode == 1


def package_alone(folder: Path) -> str:
    """A folder holding a copy of the `id` package and nothing else: with site-packages off the
    path, none of the extras' libraries can be imported, wherever `id` itself is installed."""
    import shutil

    import id

    shutil.copytree(Path(id.__file__).resolve().parent, folder / "id")
    return str(folder)


def test_list_providers_names_the_missing_extra(tmp_path: Path) -> None:
    # The package alone, on a path without site-packages: no boto3, no grpc.
    import subprocess
    import sys

    source = package_alone(tmp_path)
    script = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if 'site-packages' not in p] + [{source!r}]\n"
        "from id.__main__ import run\n"
        "run(['--list-providers'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=job_environ({}),
    )
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "not available: needs the aws extra (pip install 'id[aws]')" in lines["aws"]
    assert "not available: needs the spiffe extra (pip install 'id[spiffe]')" in lines["spiffe"]


def test_explain_predicts_a_github_job_without_the_permission() -> None:
    with GitHubActions(id_token_permission=False) as job:
        result = run_id("--explain", "pypi", env=job_environ(job.environ))
        assert job.requests == []
    assert "It would fail: GitHub Actions: this job may not request OIDC tokens" in result.stdout
    assert "permissions: id-token: write" in result.stdout
    assert result.returncode == 1


@pytest.mark.usefixtures("off_cloud")
def test_nothing_detected_names_the_usual_causes() -> None:
    result = run_id("pypi", env=job_environ({"CI": "true", "KUBERNETES_SERVICE_HOST": "10.0.0.1"}))
    assert result.returncode == 3
    assert "ID_KUBERNETES_TOKEN_FILE is not set" in result.stderr
    assert "tox: pass_env" in result.stderr


def test_a_mistyped_provider_gets_a_suggestion() -> None:
    result = run_id("--provider", "githb", "pypi", env=job_environ({}))
    assert result.returncode == 1
    assert "there is no provider named 'githb' (did you mean 'github'?)" in result.stderr


def test_in_a_github_job_the_runner_is_told_to_mask_the_token() -> None:
    with GitHubActions() as job:
        result = run_id("pypi", env=job_environ(job.environ))
    token = result.stdout.strip()
    assert result.stdout == f"{token}\n"  # stdout keeps the token alone: TOKEN=$(...) works
    assert f"::add-mask::{token}" in result.stderr.splitlines()


@pytest.mark.usefixtures("off_cloud")
def test_outside_a_runner_no_mask_command_prints_the_token() -> None:
    token = OIDCIssuer().mint({"sub": "s", "aud": "pypi"})
    result = run_id("pypi", env=job_environ({"ID_OIDC_TOKEN": token}))
    assert result.stdout == f"{token}\n"
    assert token not in result.stderr


def test_the_cli_defaults_are_the_librarys() -> None:
    from id.__main__ import SIGN_IN_TIMEOUT, parse, parse_common
    from id.signin import DEFAULT_TIMEOUT

    assert SIGN_IN_TIMEOUT == DEFAULT_TIMEOUT
    fast = parse_common(["pypi"])
    assert fast is not None
    assert repr(fast) == repr(parse(["pypi"]))
