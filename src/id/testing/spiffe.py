"""A SPIFFE Workload API on a unix socket: a real gRPC server, as a SPIRE agent would run."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent import futures
from pathlib import Path
from typing import Any

# This process runs a gRPC server and starts commands (fork, then exec at once): gRPC's fork
# handlers are for a fork without exec, and with the server's threads running they can kill
# the child (grpc/grpc#13873, #29044). Read when gRPC starts, so set before it is imported.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

import grpc

from ..providers.spiffe import SECURITY_HEADER, workload_messages
from ._emulator import PlatformOptions
from ._issuer import OIDCIssuer


class SpiffeWorkloadApi(PlatformOptions):
    """Issues JWT-SVIDs for `spiffe_id`. Like an agent, it refuses calls without the
    `workload.spiffe.io: true` metadata (INVALID_ARGUMENT) or without an audience;
    `attested=False` makes it refuse the workload (PERMISSION_DENIED)."""

    platform = "spiffe"

    spiffe_id: str = "spiffe://example.org/ci/release"
    attested: bool = True

    def __post_init__(self) -> None:
        # Of the options every emulator takes, `faults` with a status makes the agent
        # unavailable, and `tls` does not apply to a unix socket.
        super().__post_init__()
        self.issuer = OIDCIssuer("https://oidc-discovery.example.org")
        self.calls: list[dict[str, Any]] = []
        self.environ: dict[str, str] = {}
        self._server: grpc.Server | None = None
        self._folder: str | None = None

    def _fetch_jwt_svid(self, request: Any, context: grpc.ServicerContext) -> Any:
        metadata = dict(context.invocation_metadata())
        self.calls.append({"audience": list(request.audience), "metadata": metadata})
        if metadata.get(SECURITY_HEADER[0]) != SECURITY_HEADER[1]:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "security header missing from request")
        if not request.audience:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "audience must be specified")
        if not self.attested:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "no identity issued")
        if self.faults is not None and self.faults.take():
            context.abort(grpc.StatusCode.UNAVAILABLE, "the agent is not ready")
        messages = workload_messages()
        claims = {"sub": self.spiffe_id, "aud": list(request.audience), **self.claim_overrides}
        svid = self.issuer.mint(claims, lifetime=self.lifetime)
        return messages["JWTSVIDResponse"](
            svids=[messages["JWTSVID"](spiffe_id=self.spiffe_id, svid=svid)]
        )

    def __enter__(self) -> SpiffeWorkloadApi:
        messages = workload_messages()
        handler = grpc.method_handlers_generic_handler(
            "SpiffeWorkloadAPI",
            {
                "FetchJWTSVID": grpc.unary_unary_rpc_method_handler(
                    self._fetch_jwt_svid,
                    request_deserializer=messages["JWTSVIDRequest"].FromString,
                    response_serializer=messages["JWTSVIDResponse"].SerializeToString,
                )
            },
        )
        self._folder = tempfile.mkdtemp(prefix="id-spiffe-")
        socket = Path(self._folder, "agent.sock")
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        self._server.add_generic_rpc_handlers((handler,))
        self._server.add_insecure_port(f"unix://{socket}")
        self._server.start()
        self.environ = {"SPIFFE_ENDPOINT_SOCKET": f"unix://{socket}"}
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
