"""What every platform emulator shares: an issuer, an optional loopback server, the job's
environment variables, and a temporary folder for stand-in executables."""

from __future__ import annotations

import os
import shutil
import ssl
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from ._issuer import DISCOVERY_PATH, JWKS_PATH, OIDCIssuer
from ._options import Options
from ._server import Faults, Request, Route, Served

_STANDINS = Path(__file__).parent / "standins"


def write_standin(path: Path, source: str) -> Path:
    """Write the stand-in program `source` (from `standins/`) as the executable `path`, run by
    this interpreter."""
    text = (_STANDINS / source).read_text(encoding="utf-8").split("\n", 1)[1]
    path.write_text(f"#!{sys.executable}\n{text}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    # What the stand-ins share, beside them (a script's folder is on its import path).
    shutil.copyfile(_STANDINS / "_post.py", path.parent / "_post.py")
    return path


class PlatformOptions(Options):
    """The options every emulator takes (a subclass declares its own the same way, and may give
    `lifetime` another default)."""

    #: Claims that override the platform's in every token.
    claims: Mapping[str, Any] | None = None
    #: Makes the token service misbehave.
    faults: Faults | None = None
    #: Seconds a token lives (negative: an expired token).
    lifetime: float = 300
    #: A server context (e.g. from trustme): the server speaks HTTPS.
    tls: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        #: The `claims` option, as a dict a test may still change.
        self.claim_overrides = dict(self.claims or {})


class Emulator(Served, PlatformOptions):
    """Base of the platform emulators: a context manager that yields itself.

    With `tls` (a server context, e.g. from trustme) the server speaks HTTPS. Inside the `with`
    block, `environ` holds the variables a job of the platform would have (add
    them to a copy of `os.environ`, or pass them to `detect_credential(environ=...)`), and
    `issuer` is the `OIDCIssuer` whose key signs the tokens. The token service, if any, runs on
    127.0.0.1 and serves the issuer's discovery document and JWKS too, so `issuer.url` is a real,
    reachable OpenID issuer (every emulator runs one, even where the platform needs no
    token service).
    """

    #: The platform's name, as in id's provider registry.
    platform: ClassVar[str] = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.issuer = OIDCIssuer()
        self.environ: dict[str, str] = {}
        self._tempdir: str | None = None

    # Subclasses give `job_environ` and `platform_claims`, and their server's routes if any.
    def routes(self) -> dict[str, Route]:
        """Exact-path routes of the token service (none where the platform has no server)."""
        return {}

    def prefix_routes(self) -> dict[str, Route]:
        """Path-prefix routes of the token service."""
        return {}

    def job_environ(self) -> dict[str, str]:
        """The environment variables of a job, computed once the server is up."""
        raise NotImplementedError

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims a real token of this platform carries for `audience`."""
        raise NotImplementedError

    def mint(self, audience: str | list[str], claims: Mapping[str, Any] | None = None) -> str:
        """A token for `audience` (one, or a list) with `claims` (default: the platform's) and
        the test's overrides.

        The overrides given to the emulator win, so `claims={"aud": "other"}` gives a token for
        the wrong audience, and `lifetime=-60` an expired one.
        """
        if self.faults is not None and self.faults.token is not None:
            return self.faults.token
        first = audience if isinstance(audience, str) else audience[0]
        base = self.platform_claims(first) if claims is None else dict(claims)
        payload = {**base, "aud": audience, **self.claim_overrides}
        return self.issuer.mint(payload, lifetime=self.lifetime)

    @property
    def url(self) -> str:
        """The base URL of the emulator's server (token service, discovery and JWKS)."""
        if self.server is None:
            raise RuntimeError("the emulator is not running: use it in a `with` block")
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        """Every request the emulator's server received, in order."""
        return self.server.requests if self.server is not None else []

    def install_standin(self, program: str, source: str) -> str:
        """Write an executable named `program` (the stand-in `source`) into a folder on PATH."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix=f"id-{self.platform}-")
        write_standin(Path(self._tempdir, program), source)
        return self._tempdir

    def path_with(self, folder: str) -> str:
        """PATH with `folder` first."""
        return folder + os.pathsep + os.environ.get("PATH", os.defpath)

    #: Where the platform's issuer sits on its server: its tokens' `iss` is the server's URL and
    #: this path (Forgejo's `/api/actions`), with discovery and the JWKS below it.
    issuer_path = ""

    def server_routes(self) -> dict[str, Route]:
        """The token service's routes, and the issuer's below `issuer_path`."""
        issuer_routes = {self.issuer_path + p: h for p, h in self.issuer.routes().items()}
        return {**self.routes(), **issuer_routes}

    def server_faults(self) -> Faults | None:
        return self.faults

    def reliable_paths(self) -> frozenset[str]:
        return frozenset(self.issuer_path + p for p in (DISCOVERY_PATH, JWKS_PATH))

    def started(self, url: str) -> None:
        self.issuer.url = url + self.issuer_path
        self.environ = self.job_environ()

    def __exit__(self, *exc_info: object) -> None:
        super().__exit__(*exc_info)
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
