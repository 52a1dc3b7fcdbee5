"""Signing in from the command line, with a stand-in browser, a real headless Chromium, the
pasted-code and device flows, and the rule that nothing interactive starts in CI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from id.testing import GitHubActions, OpenIDProvider
from tests.helpers import claims, job_environ, run_id


def test_browser_flow_through_browser_env(tmp_path: Path) -> None:
    with OpenIDProvider() as provider:
        environ = job_environ({"BROWSER": provider.browser(tmp_path)})
        result = run_id("--issuer", provider.url, "--client-id", "sigstore", env=environ)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert claims(token)["aud"] == "sigstore"
    assert claims(token)["email"] == "person@example.com"
    assert "in your browser" in result.stderr
    assert token not in result.stderr


def test_audience_is_the_client_id_by_default(tmp_path: Path) -> None:
    with OpenIDProvider() as provider:
        environ = job_environ({"BROWSER": provider.browser(tmp_path)})
        result = run_id("--issuer", provider.url, "--show", "test-client", env=environ)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^audience: +test-client$", result.stdout, flags=re.MULTILINE)


def test_device_flow(tmp_path: Path) -> None:
    with OpenIDProvider(device_pending=1) as provider:
        result = run_id("--issuer", provider.url, "--device", "sigstore", env=job_environ({}))
    assert result.returncode == 0, result.stderr
    assert "enter the code WDJB-MJHT" in result.stderr
    assert claims(result.stdout.strip())["aud"] == "sigstore"


def test_denied_device_sign_in_is_one_line() -> None:
    with OpenIDProvider(device_outcome="deny") as provider:
        result = run_id("--issuer", provider.url, "--device", "sigstore", env=job_environ({}))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "id: error: the sign-in was denied: access_denied: The person declined."
    )


def test_oob_reads_the_code_from_the_terminal() -> None:
    command = [sys.executable, "-m", "id", "--issuer", "", "--oob", "sigstore"]
    with OpenIDProvider() as provider:
        command[4] = provider.url
        with subprocess.Popen(
            command, env=job_environ({}), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        ) as process:  # fmt: skip
            assert process.stdin is not None
            assert process.stdout is not None
            assert process.stderr is not None
            url, seen = None, []
            while url is None:
                line = process.stderr.readline()
                assert line, "".join(seen)
                seen.append(line)
                if line.startswith("    http"):
                    url = line.strip()
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            page = opener.open(url).read().decode()
            code = re.search(r'<code id="code">([^<]+)</code>', page).group(1)  # type: ignore[union-attr]
            process.stdin.write(code + "\n")
            process.stdin.close()
            # Through the same text wrappers: communicate() would skip what they buffered.
            stdout, stderr = process.stdout.read(), process.stderr.read()
            process.wait(30)
    assert process.returncode == 0, stderr
    assert claims(stdout.strip())["aud"] == "sigstore"
    assert "Paste the code you were given" in "".join(seen) + stderr


def test_interactive_prefers_the_platform() -> None:
    with GitHubActions() as job, OpenIDProvider() as provider:
        result = run_id(
            "--interactive", "--issuer", provider.url, "pypi", env=job_environ(job.environ)
        )
        assert provider.requests == []
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["iss"] == job.issuer.url


@pytest.mark.usefixtures("off_cloud")
def test_interactive_never_signs_in_in_ci() -> None:
    with OpenIDProvider() as provider:
        result = run_id(
            "--interactive", "--issuer", provider.url, "sigstore", env=job_environ({"CI": "true"})
        )
        assert provider.requests == []
    assert result.returncode == 3
    assert "this looks like CI (CI=true)" in result.stderr


@pytest.mark.usefixtures("off_cloud")
def test_interactive_signs_in_when_no_platform(tmp_path: Path) -> None:
    with OpenIDProvider() as provider:
        environ = job_environ({"BROWSER": provider.browser(tmp_path)})
        environ.pop("CI", None)
        result = run_id("--interactive", "--issuer", provider.url, "sigstore", env=environ)
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["iss"] == provider.url


def test_sign_in_never_happens_without_being_asked() -> None:
    # Plain `python -m id AUD` on a machine with no platform does not start a sign-in.
    with OpenIDProvider() as provider:
        run_id("sigstore", env=job_environ({}))
        assert provider.requests == []


def test_unreachable_issuer_is_one_line() -> None:
    result = run_id(
        "--issuer", "http://127.0.0.1:9", "--device", "x", env=job_environ({"ID_TIMEOUT": "2"})
    )
    assert result.returncode == 1
    assert result.stderr.startswith("id: error: cannot fetch the discovery document")
    assert "Traceback" not in result.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (.ci/run installs Debian's chromium; it could not be here)",
)
def test_browser_flow_in_headless_chromium(tmp_path: Path) -> None:
    browser = tmp_path / "chromium-headless"
    browser.write_text(
        "#!/bin/sh\n"
        f"exec {CHROMIUM} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        f'--user-data-dir="{tmp_path}/profile" --dump-dom "$1" '
        f'> "{tmp_path}/page.html" 2>/dev/null\n'
    )
    browser.chmod(0o755)
    with OpenIDProvider() as provider:
        result = run_id(
            "--issuer", provider.url, "--client-id", "sigstore",
            env=job_environ({"BROWSER": str(browser), "HOME": str(tmp_path)}), timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["email"] == "person@example.com"
    assert "You are signed in" in (tmp_path / "page.html").read_text()


def test_issuer_with_verify_signs_in_then_verifies(tmp_path: Path) -> None:
    with OpenIDProvider() as provider:
        environ = job_environ({"BROWSER": provider.browser(tmp_path)})
        result = run_id(
            "--issuer", provider.url, "--client-id", "sigstore", "--verify", env=environ
        )
        jwks_fetched = any(r.path.endswith("/jwks") for r in provider.requests)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["aud"] == "sigstore"
    assert jwks_fetched
