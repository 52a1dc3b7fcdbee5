"""A loopback HTTP server that plays a platform's token endpoint, with injectable faults."""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Request:
    """A request the server received."""

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    def param(self, name: str) -> str | None:
        """The first value of query parameter `name`, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        """The body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class Reply:
    """What the server answers."""

    def __init__(
        self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    @classmethod
    def json(cls, status: int, value: object) -> Reply:
        """A JSON reply."""
        return cls(status, json.dumps(value).encode(), {"Content-Type": "application/json"})

    @classmethod
    def text(cls, status: int, text: str) -> Reply:
        """A plain-text reply."""
        return cls(status, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})


Route = Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (as a timed-out test client does) is not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Faults:
    """What an emulated endpoint does wrong, given as a parameter rather than a monkeypatch.

    Answers:
    - `status`: answer this HTTP status (with `body`, default a short error) instead of a token;
    - `body`: answer 200 with this body instead of the real answer (a malformed answer);
    - `retry_after`: a `Retry-After` header to send with `status`;
    - `token`: put this string where the platform puts the token (e.g. "not-a-jwt");
    - `redirect_to`: answer 302 to this URL.

    Transport:
    - `delay`: seconds to wait before answering (a slow endpoint);
    - `hang`: read the request and never answer;
    - `reset`: send half a response, then reset the connection;
    - `trickle`: announce a large body and send it one byte every `trickle` seconds, forever;
    - `endless_body`: send a chunked 200 body without end (until the client hangs up).

    `times`: apply the fault to the first `times` requests only, then behave (flaky). Faults
    apply to the platform's token endpoints, never to discovery or JWKS.
    """

    def __init__(
        self,
        *,
        status: int | None = None,
        body: bytes | None = None,
        retry_after: str | None = None,
        token: str | None = None,
        redirect_to: str | None = None,
        delay: float = 0.0,
        hang: bool = False,
        reset: bool = False,
        trickle: float | None = None,
        endless_body: bool = False,
        times: int | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.retry_after = retry_after
        self.token = token
        self.redirect_to = redirect_to
        self.delay = delay
        self.hang = hang
        self.reset = reset
        self.trickle = trickle
        self.endless_body = endless_body
        self.times = times
        self._applied = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Whether this request gets the fault (counts it against `times`)."""
        with self._lock:
            if self.times is not None and self._applied >= self.times:
                return False
            self._applied += 1
            return True

    @property
    def transport(self) -> bool:
        """Whether the fault is in the transport (the server must write raw bytes)."""
        return self.hang or self.reset or self.trickle is not None or self.endless_body

    def reply(self) -> Reply | None:
        """The faulty reply to send, or None to answer normally after the delay."""
        if self.delay:
            time.sleep(self.delay)
        if self.redirect_to is not None:
            return Reply(302, b"", {"Location": self.redirect_to})
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        if self.status is not None:
            body = self.body if self.body is not None else b'{"message": "injected fault"}'
            return Reply(self.status, body, {"Content-Type": "application/json", **headers})
        if self.body is not None:
            return Reply(200, self.body, {"Content-Type": "application/json"})
        return None


class LoopbackServer:
    """An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, serving `routes` in a thread.

    `routes` maps a path to a handler, `prefix_routes` a path prefix to one. With `tls` (a server
    context, e.g. from trustme), it serves HTTPS. `faults` apply to
    every path except those in `reliable_paths` (the issuer's discovery and JWKS). Every request is
    recorded in `requests`, in order.
    """

    def __init__(
        self,
        routes: Mapping[str, Route],
        *,
        prefix_routes: Mapping[str, Route] | None = None,
        faults: Faults | None = None,
        reliable_paths: frozenset[str] = frozenset(),
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes = dict(routes)
        self.prefix_routes = dict(prefix_routes or {})
        self.faults = faults
        self.reliable_paths = reliable_paths
        self.tls = tls
        self.requests: list[Request] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """The server's base URL, such as `http://127.0.0.1:40123`."""
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        host, port = self._httpd.server_address[:2]
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host!s}:{port}"

    def _route(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        for prefix, route in self.prefix_routes.items():
            if path.startswith(prefix):
                return route
        return None

    def _handle(self, request: Request) -> Reply | Faults:
        self.requests.append(request)
        route = self._route(request.path)
        faulty = request.path not in self.reliable_paths
        if faulty and self.faults is not None and self.faults.take():
            if self.faults.transport:
                return self.faults
            reply = self.faults.reply()
            if reply is not None:
                return reply
        if route is None:
            return Reply.json(404, {"message": f"no such path: {request.path}"})
        return route(request)

    def start(self) -> LoopbackServer:
        """Start serving; returns self."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                )
                reply = server._handle(request)
                if isinstance(reply, Faults):
                    self._misbehave(reply)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def _misbehave(self, faults: Faults) -> None:
                self.close_connection = True
                try:
                    if faults.hang:
                        server._stopping.wait()
                    elif faults.reset:
                        self.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n{"val')
                        self.wfile.flush()
                        # SO_LINGER with a zero timeout makes close() send a reset.
                        self.connection.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                    elif faults.trickle is not None:
                        # Under any sane size cap, so that only a deadline stops the client.
                        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                        while not server._stopping.wait(faults.trickle):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                    else:
                        self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                        chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
                        while not server._stopping.is_set():
                            self.wfile.write(chunk)
                except OSError:
                    pass  # the client hung up, as it should

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's names

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default access log on stderr."""

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            self._httpd.socket = self.tls.wrap_socket(self._httpd.socket, server_side=True)
        # serve_forever checks for shutdown every poll_interval (0.5 s by default): every stop
        # would wait that long, and test suites start hundreds of servers.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class Served:
    """Something served by a `LoopbackServer` for as long as it is used as a context manager:
    the emulators of platforms, services and issuers all start and stop their server here.
    Subclasses give `routes()` (and `prefix_routes()`), and may give `server_faults()`,
    `reliable_paths()` (paths the faults spare) and `started(url)` (what to do once the server
    listens)."""

    tls: ssl.SSLContext | None = None
    server: LoopbackServer | None = None

    def routes(self) -> dict[str, Route]:
        raise NotImplementedError

    def server_routes(self) -> dict[str, Route]:
        """Every exact-path route the server serves (by default, `routes()`)."""
        return self.routes()

    def prefix_routes(self) -> dict[str, Route]:
        return {}

    def server_faults(self) -> Faults | None:
        return None

    def reliable_paths(self) -> frozenset[str]:
        return frozenset()

    def started(self, url: str) -> None:
        """Called once the server listens at `url`."""

    def __enter__(self) -> Any:
        self.server = LoopbackServer(
            self.server_routes(),
            prefix_routes=self.prefix_routes(),
            faults=self.server_faults(),
            reliable_paths=self.reliable_paths(),
            tls=self.tls,
        ).start()
        self.started(self.server.url)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The server is kept (stopped): what it received can still be read after the block.
        if self.server is not None:
            self.server.stop()


class Service(Served):
    """A service emulated on loopback (an index, an STS): `url` is its address while it runs."""

    url = ""

    def started(self, url: str) -> None:
        self.url = url
