"""No token, request token or access token in any log line, exception message, repr or CLI output
(except the token on stdout when asked for), whatever the verbosity and however things fail."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from id import IdentityError, IdentityToken, detect_credential
from id.testing import Buildkite, CircleCI, Emulator, Faults, GitHubActions, GitLabCI, GoogleCloud
from tests.helpers import job_environ, run_id

JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.")


def secrets_of(job: Emulator) -> list[str]:
    """Every credential the job holds."""
    names = ("request_token", "access_token", "agent_token")
    found = [getattr(job, name) for name in names if hasattr(job, name)]
    found += [value for name, value in job.environ.items() if JWT.match(value)]
    return found


def echoing(make: Callable[[], Emulator], status: int) -> Callable[[], Emulator]:
    """A job whose token service answers `status`, quoting the job's own credentials back."""

    def build() -> Emulator:
        job = make()
        quoted = " ".join(secrets_of(job)) or "nothing"
        job.faults = Faults(status=status, body=f"denied: credentials were {quoted}".encode())
        return job

    return build


SCENARIOS: dict[str, Callable[[], Emulator]] = {
    "github ok": GitHubActions,
    "github echoes the request token in a 401": echoing(GitHubActions, 401),
    "github echoes it in a 500": echoing(GitHubActions, 500),
    "github token for another audience": lambda: GitHubActions(claims={"aud": "other"}),
    "github malformed answer": lambda: GitHubActions(faults=Faults(body=b'{"value": 1}')),
    "gcp impersonation ok": lambda: GoogleCloud(impersonate="sa@p.iam.gserviceaccount.com"),
    "gcp impersonation refused": lambda: GoogleCloud(
        impersonate="sa@p.iam.gserviceaccount.com", impersonable=frozenset()
    ),
    "buildkite agent error quoting its token": echoing(Buildkite, 401),
    "circleci cli error": lambda: CircleCI(faults=Faults(status=500)),
    "gitlab token for another audience": lambda: GitLabCI(id_tokens={"PYPI_ID_TOKEN": "x"}),
}


@contextmanager
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        yield


def assert_clean(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"a credential appears in {where}"
    assert not JWT.search(text), f"a JWT appears in {where}"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_library_logs_and_errors(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    with SCENARIOS[scenario]() as job, everything_logged(caplog):
        secrets = secrets_of(job)
        try:
            token = detect_credential("pypi", environ=job_environ(job.environ))
        except IdentityError as exc:
            error_text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            assert_clean(error_text, secrets, "the exception and its traceback")
            assert_clean(repr(exc), secrets, "the exception's repr")
        else:
            assert token is not None
            assert_clean(repr(IdentityToken(token)), [token, *secrets], "IdentityToken's repr")
    assert caplog.records, "debug logging was not captured"
    assert_clean(caplog.text, secrets, "the log")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_cli_output_at_every_verbosity(scenario: str) -> None:
    with SCENARIOS[scenario]() as job:
        secrets = secrets_of(job)
        for flags in ([], ["-v"], ["-vv"]):
            result = run_id(*flags, "pypi", env=job_environ(job.environ))
            # The runner consumes `::add-mask::` lines (and masks the token): they never show.
            shown = [
                line for line in result.stderr.splitlines() if not line.startswith("::add-mask::")
            ]
            assert_clean("\n".join(shown), secrets, f"stderr with {flags}")
            if result.returncode == 0:
                # The token is printed on stdout because it was asked for; nothing else is.
                assert result.stdout.count("\n") == 1
            else:
                assert result.stdout == ""
