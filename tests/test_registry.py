"""The registry is the one list of providers: each has a spec, a module, an emulator and a docs
section, and nothing else names a provider that is not in it. No import cycle in the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from id.providers import SPECS
from id.providers._spec import KINDS
from id.testing import EMULATORS

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "id"


def test_every_provider_has_an_emulator_and_every_emulator_a_provider() -> None:
    assert [spec.name for spec in SPECS] == sorted(EMULATORS, key=[s.name for s in SPECS].index)
    assert set(EMULATORS) == {spec.name for spec in SPECS}
    for name, emulator in EMULATORS.items():
        assert emulator.platform == name


def test_every_provider_has_a_docs_section_and_every_section_a_provider() -> None:
    text = (ROOT / "docs" / "platforms.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \d+\. .*\(`([a-z0-9-]+)`", text, flags=re.MULTILINE)
    assert sections == [spec.name for spec in SPECS]


def test_every_spec_loads_its_provider_under_the_same_name() -> None:
    for spec in SPECS:
        assert spec.kind in KINDS
        provider = spec.load()
        assert provider.name == spec.name
        assert provider.title == spec.title
        assert provider.opt_in is spec.opt_in


def test_detection_imports_no_provider_module_when_none_is_present() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from id import detect_credential\n"
        "detect_credential('pypi', environ={'PATH': '/nonexistent'})\n"
        "print(sorted(m for m in sys.modules if m.startswith('id.providers.') "
        "and not m.split('.')[-1].startswith('_')))\n"
        "print('http.client' in sys.modules, 'ssl' in sys.modules, 'typing' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded, network = result.stdout.splitlines()
    # On a Google Cloud VM the DMI file makes gcp present: only it may load.
    assert loaded in ("[]", "['id.providers.gcp']")
    assert network.startswith("False False")


def _module_level_imports(path: Path, package: str) -> set[str]:
    """The package modules `path` imports when it is imported (not inside functions, not under
    TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in [node] if isinstance(node, (ast.Import, ast.ImportFrom)) else []:
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package.split(".")
                base = base[: len(base) - child.level + 1] if child.level > 1 else base
                target = ".".join(base + ([child.module] if child.module else []))
                found.add(target)
                for alias in child.names:
                    candidate = f"{target}.{alias.name}"
                    if (SRC.parent / (candidate.replace(".", "/") + ".py")).exists():
                        found.add(candidate)
    return found


def test_there_is_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC.parent).with_suffix("")
        parts = list(relative.parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        package = name if is_package else name.rpartition(".")[0]
        graph[name] = _module_level_imports(path, package)
    # Importing a module imports its package first: that edge is implied, not a cycle.
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 2:
            return
        if state.get(module) == 1:
            cycle = [*trail[trail.index(module) :], module]
            if not all(
                a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(cycle, cycle[1:])
            ):
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            return
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target in graph and target != module:
                visit(target, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])


def _served_audience(name: str) -> str:
    from id.testing import FixedAudienceJob

    emulator = EMULATORS[name]
    if isinstance(emulator, type) and issubclass(emulator, FixedAudienceJob):
        return str(emulator.default_audience)
    return "api://AzureADTokenExchange" if name == "azure-pipelines" else "pypi"


@pytest.mark.parametrize("name", [spec.name for spec in SPECS])
def test_the_platforms_pages_try_it_line_works_for_every_provider(name: str) -> None:
    # docs/platforms.md: "python -m id.testing NAME -- python -m id --show AUDIENCE".
    import subprocess
    import sys

    from id.providers import spec

    text = (ROOT / "docs" / "platforms.md").read_text(encoding="utf-8")
    assert "python -m id.testing NAME -- python -m id --show AUDIENCE" in text
    named = ["--provider", name] if spec(name).opt_in else []
    options = ["--audience", "pypi"] if name == "gitlab" else []
    argv = [sys.executable, "-m", "id.testing", name, *options, "--", sys.executable, "-m", "id"]
    result = subprocess.run(
        [*argv, "--show", *named, _served_audience(name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-800:]
    assert "issuer:" in result.stdout


def test_every_id_setting_is_in_the_readme_table() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    source = root / "src" / "id"
    named = {
        name
        for path in source.rglob("*.py")
        if "testing" not in path.relative_to(source).parts
        for name in re.findall(r'"(ID_[A-Z0-9_]+)"', path.read_text(encoding="utf-8"))
    }
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in named if f"`{name}`" not in table)
    assert not missing, f"not in the README's table of environment variables: {missing}"


def test_the_general_settings_are_documented_in_one_place() -> None:
    from pathlib import Path

    from id import _settings

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    for name, meaning in _settings.SETTINGS.items():
        assert name.startswith("ID_")
        assert meaning
        assert f"`{name}`" in table, name


def test_a_platform_added_to_the_registry_is_seen_everywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import id.providers
    from id import IdentityToken
    from id._detect import detect_credential
    from id._verify import public_issuers
    from id._views import providers_report
    from id.exchange._common import publisher_claims
    from id.providers import _spec
    from id.providers._spec import CI_JOB, Spec
    from id.testing import EMULATORS, GitHubActions, OIDCIssuer
    from id.testing._environ import platform_variables

    fake = Spec(
        "fakeci", "Fake CI", CI_JOB, "explicit:ExplicitToken", any_of=("FAKE_CI",),
        emulator="github:GitHubActions", marker="fake_pipeline", issuers=("https://fake.example/*",),
        public_issuer="https://fake.example/oidc", shown=("fake_pipeline",),
        matched=("fake_pipeline",), token_prefixes=("FAKE_TOKEN_",),
    )  # fmt: skip
    monkeypatch.setattr(id.providers, "SPECS", (fake, *id.providers.SPECS))
    monkeypatch.setattr(_spec, "_LOADED", {})

    token = OIDCIssuer("https://fake.example/oidc").mint(
        {"sub": "s", "aud": "pypi", "fake_pipeline": "p"}
    )
    environ = {"FAKE_CI": "1", "ID_OIDC_TOKEN": token}
    assert detect_credential("pypi", environ=environ) == token
    assert "fakeci" in providers_report(environ, None).text
    platform = IdentityToken(token).platform
    assert platform is not None
    assert (platform.name, platform.details) == ("fakeci", {"fake_pipeline": "p"})
    assert "https://fake.example/oidc" in public_issuers()
    assert "fake_pipeline" in publisher_claims()
    assert EMULATORS["fakeci"] is GitHubActions
    assert set(platform_variables({"FAKE_CI": "1", "FAKE_TOKEN_X": "t", "HOME": "/"})) == {
        "FAKE_CI", "FAKE_TOKEN_X"
    }  # fmt: skip


def test_a_forgejo_token_says_forgejo() -> None:
    from id import IdentityToken
    from id.testing import ForgejoActions, GitHubActions

    with ForgejoActions() as forgejo, GitHubActions() as github:
        from_forgejo = IdentityToken(forgejo.mint("pypi")).platform
        from_github = IdentityToken(github.mint("pypi")).platform
    assert from_forgejo is not None
    assert from_forgejo.name == "forgejo"
    assert from_github is not None
    assert from_github.name == "github"


def test_every_provider_has_a_test_file_named_after_it() -> None:
    from pathlib import Path

    from id.providers import SPECS

    folder = Path(__file__).resolve().parent / "providers"
    files = {path.name for path in folder.glob("test_*.py")}
    expected = {f"test_{spec.name.replace('-', '_')}.py" for spec in SPECS}
    assert not expected - files, f"providers without a test file: {sorted(expected - files)}"
    # Files about several providers are about a rule they share, and say so in their name.
    shared = files - expected
    assert shared <= {"test_fixed_audience.py", "test_opt_in.py"}, sorted(shared)
