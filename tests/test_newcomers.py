"""What a new user, a tester and a dependent tool's maintainer tripped on (users, round 2): each
point, as they would meet it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import id
from id.testing import GitHubActions, OpenIDProvider, PyPIIndex
from tests.helpers import job_environ, refused_port, run_exchange
from tests.test_cli import package_alone


def without_site_packages(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` with the `id` package alone on the path: no extra's library importable."""
    source = package_alone(tmp_path)
    script = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if 'site-packages' not in p] + [{source!r}]\n"
        f"{code}\n"
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=60,
        env=job_environ({}), check=False,
    )  # fmt: skip


def test_an_index_on_loopback_keeps_its_plain_http_scheme() -> None:
    with GitHubActions() as job, PyPIIndex(job.issuer.url, {}) as index:
        result = run_exchange(
            "pypi", "--repository-url", f"{index.url}/legacy/", env=job_environ(job.environ)
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == index.upload_token


def test_the_upload_url_may_come_from_twines_variable() -> None:
    with GitHubActions() as job, PyPIIndex(job.issuer.url, {}) as index:
        env = job_environ({**job.environ, "TWINE_REPOSITORY_URL": f"{index.url}/legacy/"})
        result = run_exchange("pypi", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == index.upload_token


def test_an_index_answering_plain_http_to_tls_is_said_so_and_not_retried() -> None:
    with GitHubActions() as job, PyPIIndex(job.issuer.url, {}) as index:
        url = index.url.replace("http://", "https://") + "/legacy/"
        result = run_exchange("pypi", "--repository-url", url, env=job_environ(job.environ))
        attempts = len(index.server.requests) if index.server else 0
    assert result.returncode == 1
    assert "answers plain HTTP, not TLS" in result.stderr
    assert "attempts" not in result.stderr
    assert attempts == 0


def test_no_platform_is_said_before_the_index_is_contacted() -> None:
    with refused_port() as port:
        env = {k: v for k, v in job_environ({}).items() if k != "TWINE_REPOSITORY_URL"}
        result = run_exchange(
            "pypi", "--repository-url", f"https://index.invalid:{port}/legacy/", env=env
        )
    assert result.returncode == 1
    assert "no supported platform is detected" in result.stderr
    assert "resolve" not in result.stderr


def test_write_config_takes_the_token_url(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    result = run_exchange(
        "gcp", "--write-config", str(config), "--pool-provider", "//iam.googleapis.com/p",
        "--token-url", "http://127.0.0.1:9/v1/token", env=job_environ({}),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(config.read_text())["token_url"] == "http://127.0.0.1:9/v1/token"


def test_a_missing_extra_exits_5(tmp_path: Path) -> None:
    result = without_site_packages(
        tmp_path, "from id.__main__ import run\nsys.exit(run(['--provider', 'aws', 'pypi']))"
    )
    assert result.returncode == 5, result.stderr
    assert "pip install 'id[aws]'" in result.stderr


def test_the_spiffe_emulator_without_grpc_says_which_extra() -> None:
    code = (
        "import sys\nsys.modules['grpc'] = None\n"
        "from id.testing.__main__ import main\nsys.exit(main(['spiffe', '--', 'true']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env=job_environ({}), check=False,
    )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert "Traceback" not in result.stderr
    assert "pip install 'id[spiffe]'" in result.stderr


def test_verify_in_an_emulated_job_trusts_its_issuer_only_on_loopback() -> None:
    with GitHubActions() as job:
        env = job_environ({**job.environ, "ID_TESTING_ISSUER": job.issuer.url})
        trusted = subprocess.run(
            [sys.executable, "-m", "id", "--verify", "pypi"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        other = subprocess.run(
            [sys.executable, "-m", "id", "--verify", "pypi"],
            env={**env, "ID_TESTING_ISSUER": "https://issuer.example"},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert trusted.returncode == 0, trusted.stderr
    assert other.returncode == 2
    assert "--issuer" in other.stderr


def test_help_tells_the_truth_about_issuer_and_exit_statuses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "id", "--help"], capture_output=True, text=True, check=True
    )
    text = " ".join(result.stdout.split())
    assert "default: the token's own iss" not in text
    assert "well-known public issuer" in text
    assert "5 an optional extra" in text


def test_lazily_loaded_names_are_listed() -> None:
    for name in ("IdentityToken", "Issuer", "Platform", "__version__", "interactive_credential"):
        assert name in dir(id)


def test_the_browser_stand_in_takes_a_folder_as_text(tmp_path: Path) -> None:
    with OpenIDProvider() as provider:
        assert Path(provider.browser(str(tmp_path))).is_file()


def test_the_fuzz_runner_names_a_missing_fuzzer() -> None:
    runner = Path(__file__).resolve().parents[1] / "fuzz" / "run.py"
    code = (
        "import runpy, sys\nsys.modules['atheris'] = None\n"
        "sys.argv = ['run.py', '--seconds', '1']\n"
        f"runpy.run_path({str(runner)!r}, run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "atheris is not installed: pip install --group fuzz" in result.stderr
    assert "found bugs" not in result.stderr


def test_metadata_names_versions_status_and_license() -> None:
    from importlib.metadata import metadata

    meta = metadata("id")
    classifiers = meta.get_all("Classifier") or []
    for version in ("3.9", "3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert meta.get("License-Expression") == "Apache-2.0"
    shown = subprocess.run(
        [sys.executable, "-m", "pip", "show", "id"], capture_output=True, text=True, check=True
    )
    assert "Apache-2.0" in shown.stdout


def test_docs_cite_public_sources_not_the_workspace() -> None:
    root = Path(__file__).resolve().parents[1]
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text, path
        assert "workspace)" not in text, path
