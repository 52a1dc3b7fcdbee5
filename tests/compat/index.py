"""A package index's trusted-publishing endpoints on loopback, reachable as upload.pypi.org.

twine tries trusted publishing only for PyPI's own URLs. To drive the real `twine upload`
offline, `PyPIOnLoopback` serves the index over TLS with a private CA's certificate for
upload.pypi.org, and a CONNECT proxy on 127.0.0.1 sends every tunnel to it: with `HTTPS_PROXY`
and `REQUESTS_CA_BUNDLE` set, twine reaches "PyPI" and nothing else. The proxy records each
tunnel's target, so a test can check that nothing else was asked for.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import ssl
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import trustme

from id.testing import Emulator, LoopbackServer, Reply, Request

PYPI_HOST = "upload.pypi.org"


class FakeIndex:
    """Trusted publishing as PyPI does it: the audience, the token exchange (verifying the OIDC
    token for real against the job's issuer), then uploads authorised by the minted token."""

    def __init__(self, job: Emulator) -> None:
        self.job = job
        self.seen_claims: dict[str, Any] | None = None
        self.upload_token = "pypi-upload-token"
        self.uploads = 0

    def routes(self) -> dict[str, Any]:
        return {
            "/_/oidc/audience": self.audience,
            "/_/oidc/mint-token": self.mint_token,
            "/legacy/": self.upload,
        }

    def audience(self, _request: Request) -> Reply:
        return Reply.json(200, {"audience": "pypi"})

    def mint_token(self, request: Request) -> Reply:
        token = request.json()["token"]
        key = jwt.PyJWKClient(f"{self.job.issuer.url}/.well-known/jwks").get_signing_key_from_jwt(
            token
        )
        try:
            self.seen_claims = jwt.decode(
                token, key, algorithms=["RS256"], audience="pypi", issuer=self.job.issuer.url
            )
        except jwt.PyJWTError as exc:
            return Reply.json(422, {"errors": [{"code": "invalid-token", "description": str(exc)}]})
        return Reply.json(
            200, {"success": True, "token": self.upload_token, "expires": int(time.time()) + 900}
        )

    def upload(self, request: Request) -> Reply:
        expected = base64.b64encode(f"__token__:{self.upload_token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Reply.text(403, "Invalid or non-existent authentication information.")
        self.uploads += 1
        return Reply.text(200, "OK")


class ConnectProxy:
    """An HTTP CONNECT proxy on 127.0.0.1 that tunnels every target to one loopback port."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.targets: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> ConnectProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target = head.split(b" ", 2)[:2]
            self.targets.append(target.decode())
            if method != b"CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            with socket.create_connection(
                ("127.0.0.1", self.upstream_port), timeout=30
            ) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pump = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
                pump.start()
                _pipe(client, upstream)
                pump.join(30)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


class PyPIOnLoopback:
    """`FakeIndex` for `job`, served as https://upload.pypi.org through a loopback proxy."""

    def __init__(self, job: Emulator, folder: Path) -> None:
        self.index = FakeIndex(job)
        authority = trustme.CA()
        self.ca_bundle = folder / "pypi-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_bundle))
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(PYPI_HOST, "test.pypi.org").configure_cert(tls)
        self.server = LoopbackServer(self.index.routes(), tls=tls)
        self.proxy: ConnectProxy | None = None

    def __enter__(self) -> PyPIOnLoopback:
        self.server.start()
        port = int(self.server.url.rsplit(":", 1)[1])
        self.proxy = ConnectProxy(port).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.server.stop()

    @property
    def environ(self) -> dict[str, str]:
        """What twine needs to reach this index as PyPI: the proxy and the CA."""
        assert self.proxy is not None
        return {"HTTPS_PROXY": self.proxy.url, "REQUESTS_CA_BUNDLE": str(self.ca_bundle)}
