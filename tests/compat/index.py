"""A package index's trusted-publishing endpoints on loopback, reachable as upload.pypi.org.

twine tries trusted publishing only for PyPI's own URLs. To drive the real `twine upload`
offline, `PyPIOnLoopback` serves the index over TLS with a private CA's certificate for
upload.pypi.org, and a CONNECT proxy on 127.0.0.1 sends every tunnel to it: with `HTTPS_PROXY`
and `REQUESTS_CA_BUNDLE` set, twine reaches "PyPI" and nothing else. The proxy records each
tunnel's target, so a test can check that nothing else was asked for.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path

import trustme

from id.testing import Emulator, PyPIIndex

PYPI_HOST = "upload.pypi.org"


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
    """`id.testing.PyPIIndex` for `job`'s issuer, served as https://upload.pypi.org through a
    loopback proxy."""

    def __init__(self, job: Emulator, folder: Path) -> None:
        authority = trustme.CA()
        self.ca_bundle = folder / "pypi-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_bundle))
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(PYPI_HOST, "test.pypi.org").configure_cert(tls)
        # Any trusted publisher of the job's issuer: the tests are about the caller's path.
        self.index = PyPIIndex(job.issuer.url, {}, tls=tls)
        self.proxy: ConnectProxy | None = None

    def __enter__(self) -> PyPIOnLoopback:
        self.index.__enter__()
        port = int(self.index.url.rsplit(":", 1)[1])
        self.proxy = ConnectProxy(port).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.index.__exit__(*exc_info)

    @property
    def environ(self) -> dict[str, str]:
        """What twine needs to reach this index as PyPI: the proxy and the CA."""
        assert self.proxy is not None
        return {"HTTPS_PROXY": self.proxy.url, "REQUESTS_CA_BUNDLE": str(self.ca_bundle)}
