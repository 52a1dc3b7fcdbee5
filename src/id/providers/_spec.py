"""What the registry knows of a platform without importing its provider: its name, title, kind,
whether it is opt-in, where its code and its emulator are, its presence as data (variables and
files), and the facts about its tokens: who issues them, the claim that marks one, the claims
worth showing and those a registry matches on, the variables that hold them.

Every table about platforms derives from these specs: detection, `--list-providers` and
`--explain`, the token's `platform`, the public issuers `--verify` trusts, the claims an
exchange's error names, the test kit's emulators and its environment isolation. Adding a
platform adds one spec; nothing else lists platforms.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._base import Provider

#: Kinds of provider.
CI_JOB = "CI job"
CLOUD_WORKLOAD = "cloud workload"
TOKEN_FILE = "workload token file"  # noqa: S105 - a kind, not a secret
INTERACTIVE = "interactive"
EXPLICIT = "explicit"
KINDS = (EXPLICIT, CI_JOB, TOKEN_FILE, CLOUD_WORKLOAD, INTERACTIVE)

# Values of a presence variable that mean "not here", as people write them in a job's settings.
_ABSENT_VALUES = frozenset({"", "0", "false"})


def is_set(value: str | None) -> bool:
    """Whether a presence variable's `value` says "here": any non-empty value, as PyPI's `id`
    1.6.1 reads them, except `0` and `false` (any case)."""
    return value is not None and value.strip().lower() not in _ABSENT_VALUES


def shown(variable: str, value: str) -> str:
    """`variable` and its value for a detection reason; a value that may be a token is not shown."""
    if len(value) <= 10 and value.isascii() and value.isalnum():
        return f"{variable}={value}"
    return f"{variable} is set"


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


class Spec:
    """One provider, as data. Presence: any one of `any_of` set, or all of `all_of`, or a
    variable named `PREFIX` or `PREFIX_<TAG>` holding a value, or a file whose content (stripped)
    is one of those listed."""

    __slots__ = (
        "_signals",
        "all_of",
        "any_of",
        "emulator",
        "extra",
        "files",
        "issuers",
        "kind",
        "marker",
        "matched",
        "name",
        "needs_path",
        "opt_in",
        "prefixes",
        "public_issuer",
        "requires",
        "shown",
        "target",
        "title",
        "token_prefixes",
    )

    def __init__(
        self,
        name: str,
        title: str,
        kind: str,
        target: str,
        *,
        any_of: tuple[str, ...] = (),
        all_of: tuple[str, ...] = (),
        prefixes: tuple[str, ...] = (),
        files: tuple[tuple[str, frozenset[str]], ...] = (),
        opt_in: bool = False,
        signals: str = "",
        extra: str = "",
        requires: tuple[str, ...] = (),
        needs_path: tuple[str, str] | None = None,
        emulator: str = "",
        marker: str = "",
        issuers: tuple[str, ...] = (),
        public_issuer: str = "",
        shown: tuple[str, ...] = (),
        matched: tuple[str, ...] = (),
        token_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.title = title
        self.kind = kind
        #: "module:Class" in `id.providers`, imported only when the provider is used.
        self.target = target
        self.any_of = any_of
        self.all_of = all_of
        self.prefixes = prefixes
        self.files = files
        self.opt_in = opt_in
        self._signals = signals
        #: The optional extra (`pip install 'id[EXTRA]'`) that brings the modules it `requires`.
        self.extra = extra
        self.requires = requires
        #: (variable, default): a path that must also exist, named by the variable or the
        #: default (Fly.io's API socket).
        self.needs_path = needs_path
        #: "module:Class" in `id.testing`: the emulator of the platform.
        self.emulator = emulator
        #: A claim only this platform's tokens carry (with `issuers`, when another platform's
        #: tokens carry it too), so that a token says where it was issued.
        self.marker = marker
        #: Globs of the `iss` of its tokens, where a marker alone does not tell.
        self.issuers = issuers
        #: Its one public issuer, whose keys `python -m id --verify` fetches without `--issuer`.
        self.public_issuer = public_issuer
        #: The claims worth showing of one of its tokens (`IdentityToken.platform`).
        self.shown = shown
        #: The claims a registry or trust policy matches its tokens on (an exchange's errors).
        self.matched = matched
        #: Prefixes of variables that hold its tokens or the means to ask for one (beyond the
        #: presence variables): the test kit removes them too.
        self.token_prefixes = token_prefixes

    @property
    def signals(self) -> str:
        """What makes the provider present, for people: `GITHUB_ACTIONS set`."""
        if self._signals:
            return self._signals
        parts = []
        if self.any_of:
            parts.append(f"{_either(self.any_of)} set")
        if self.all_of:
            parts.append(f"{' and '.join(self.all_of)} set")
        for prefix in self.prefixes:
            parts.append(f"{prefix} or {prefix}_<TAG> set")
        return "; or ".join(parts)

    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable named in the presence data."""
        path = (self.needs_path[0],) if self.needs_path is not None else ()
        return self.any_of + self.all_of + path

    def names_variable(self, name: str) -> bool:
        """Whether the variable `name` is part of this provider's presence."""
        return name in self.variables or any(
            name == prefix or name.startswith(prefix + "_") for prefix in self.prefixes
        )

    def presence(
        self,
        environ: Mapping[str, str],
        files: tuple[tuple[str, frozenset[str]], ...] | None = None,
    ) -> str | None:
        """Why the provider is present in `environ` (e.g. "GITHUB_ACTIONS=true"), or None.

        Reads variables and, for file predicates, at most 256 bytes of a file: no network, no
        subprocess, no import. `files` replaces the spec's file predicates (tests).
        """
        if self.needs_path is not None:
            import os

            variable, default = self.needs_path
            if not os.path.exists(environ.get(variable) or default):
                return None
        for variable in self.any_of:
            value = environ.get(variable)
            if value is not None and is_set(value):
                return shown(variable, value)
        if self.all_of and all(is_set(environ.get(variable)) for variable in self.all_of):
            return " and ".join(f"{variable} is set" for variable in self.all_of)
        for name, value in environ.items():
            if value.strip() and any(
                name == prefix or name.startswith(prefix + "_") for prefix in self.prefixes
            ):
                return f"{name} is set"
        for path, contents in self.files if files is None else files:
            try:
                with open(path, encoding="utf-8", errors="replace") as file:
                    content = file.read(256).strip()
            except OSError:
                continue
            if content in contents:
                return f"{path} reads {content!r}"
        return None

    def missing_module(self) -> str | None:
        """The first module of its extra that is not installed (None when all are)."""
        from importlib.util import find_spec

        for module in self.requires:
            try:
                if find_spec(module) is None:
                    return module
            except ModuleNotFoundError:  # its parent package (google, of google.auth) is not
                return module
        return None

    def issued(self, claims: Mapping[str, object]) -> bool:
        """Whether the token with `claims` was issued by this platform: it has the marker claim
        and, where `issuers` are given, an `iss` that matches one."""
        if not self.marker or self.marker not in claims:
            return False
        if not self.issuers:
            return True
        from fnmatch import fnmatchcase

        issuer = claims.get("iss")
        return isinstance(issuer, str) and any(fnmatchcase(issuer, p) for p in self.issuers)

    def load(self) -> Provider:
        """The provider itself: its module is imported now, once."""
        provider = _LOADED.get(self.name)
        if provider is None:
            import importlib

            module, _, cls = self.target.partition(":")
            provider = getattr(importlib.import_module(f"id.providers.{module}"), cls)()
            provider.spec = self
            _LOADED[self.name] = provider
        return provider

    def __repr__(self) -> str:
        return f"Spec({self.name!r})"


_LOADED: dict[str, Provider] = {}
