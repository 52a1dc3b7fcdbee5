"""Fly.io Machines: the Machine API's token endpoint on a unix socket, as Fly's init serves it."""

from __future__ import annotations

import json
import os
import socketserver
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from ._emulator import Emulator


class FlyMachines(Emulator):
    """A Machine of `app` in `org`: `POST /v1/tokens/oidc` on a unix socket (named to `id` by
    `ID_FLY_API_SOCKET`, since `/.fly/api` is root's) answers a raw JWT for the `aud` asked."""

    platform = "fly"

    org: str = "example-org"
    app: str = "release"
    lifetime: float = 600

    def __post_init__(self) -> None:
        super().__post_init__()
        self.token_requests: list[dict[str, Any]] = []
        self._unix: socketserver.ThreadingUnixStreamServer | None = None

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A Machine's claims."""
        return {
            "sub": f"{self.org}:{self.app}:quiet-forest-1234",
            "app_name": self.app,
            "org_name": self.org,
            "machine_id": "3d8d9e0f1a2b3c",
            "machine_name": "quiet-forest-1234",
            "region": "ams",
            "image": f"registry.fly.io/{self.app}:deployment-01",
        }

    def _serve(self, request: Any) -> tuple[int, bytes]:
        self.token_requests.append(request)
        if request["method"] != "POST" or request["path"] != "/v1/tokens/oidc":
            return 404, b"not found"
        try:
            audience = (
                json.loads(request["body"] or b"{}").get("aud") or f"https://fly.io/{self.org}"
            )
        except ValueError:
            return 400, b"invalid json"
        if self.faults is not None and self.faults.status is not None and self.faults.take():
            return self.faults.status, self.faults.body or b"unavailable"
        return 200, self.mint(str(audience)).encode()

    def __enter__(self) -> FlyMachines:
        super().__enter__()
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = {"method": "POST", "path": self.path, "body": self.rfile.read(length)}
                status, body = emulator._serve(request)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815 - http.server's name

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the access log."""

        assert self._tempdir is None  # noqa: S101
        self._tempdir = tempfile.mkdtemp(prefix="id-fly-")
        self.socket_path = os.path.join(self._tempdir, "api")
        self._unix = socketserver.ThreadingUnixStreamServer(self.socket_path, Handler)
        self._unix.daemon_threads = True
        threading.Thread(
            target=self._unix.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        self.environ = self.job_environ()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._unix is not None:
            self._unix.shutdown()
            self._unix.server_close()
            self._unix = None
        super().__exit__(*exc_info)

    def job_environ(self) -> dict[str, str]:
        """A Machine's variables, and where its API socket is."""
        environ = {
            "FLY_APP_NAME": self.app,
            "FLY_MACHINE_ID": "3d8d9e0f1a2b3c",
            "FLY_ALLOC_ID": "3d8d9e0f1a2b3c",
            "FLY_REGION": "ams",
        }
        socket_path = getattr(self, "socket_path", None)
        if socket_path is not None:
            environ["ID_FLY_API_SOCKET"] = socket_path
        return environ
