"""SPIFFE Workload API (opt-in): a JWT-SVID over gRPC on the agent's unix socket.

gRPC and protobuf come with the `spiffe` extra (`pip install 'id[spiffe]'`). The three messages
are described to protobuf here rather than generated: `FetchJWTSVID` is the only call made.
"""

from __future__ import annotations

import functools

from .._errors import AmbientCredentialError, MissingExtraError
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

SOCKET_VARIABLE = "SPIFFE_ENDPOINT_SOCKET"
METHOD = "/SpiffeWorkloadAPI/FetchJWTSVID"
#: Every Workload API call must carry this, so that a proxy cannot forward calls to the agent.
SECURITY_HEADER = ("workload.spiffe.io", "true")


@functools.lru_cache(maxsize=1)
def workload_messages() -> dict[str, Any]:
    """The message classes `JWTSVIDRequest`, `JWTSVID` and `JWTSVIDResponse` of the Workload API."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    text, repeated, optional = field.TYPE_STRING, field.LABEL_REPEATED, field.LABEL_OPTIONAL
    spec = descriptor_pb2.FileDescriptorProto(name="id/spiffe_workload.proto", syntax="proto3")
    request = spec.message_type.add(name="JWTSVIDRequest")
    request.field.add(name="audience", number=1, type=text, label=repeated)
    request.field.add(name="spiffe_id", number=2, type=text, label=optional)
    svid = spec.message_type.add(name="JWTSVID")
    for number, name in enumerate(("spiffe_id", "svid", "hint"), start=1):
        svid.field.add(name=name, number=number, type=text, label=optional)
    response = spec.message_type.add(name="JWTSVIDResponse")
    response.field.add(
        name="svids", number=1, type=field.TYPE_MESSAGE, label=repeated, type_name=".JWTSVID"
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(spec)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
        for name in ("JWTSVIDRequest", "JWTSVID", "JWTSVIDResponse")
    }


class SpiffeWorkloadApi(Provider):
    """A workload attested by a SPIFFE agent (SPIRE and others)."""

    name = "spiffe"

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Available when `SPIFFE_ENDPOINT_SOCKET` is set."""
        socket = environ.get(SOCKET_VARIABLE)
        return f"{SOCKET_VARIABLE}={socket}" if socket else None

    def fetch(self, audience: str, context: Context) -> str:
        """Call `FetchJWTSVID` for `audience` and return the first SVID."""
        address = context.environ[SOCKET_VARIABLE]
        if not address.startswith("unix:"):
            raise AmbientCredentialError(
                f"{SOCKET_VARIABLE} must be a unix: address, not {address!r}"
            )
        try:
            import grpc
        except ImportError:
            raise MissingExtraError(
                "this provider needs grpcio and protobuf: pip install 'id[spiffe]'"
            ) from None
        messages = workload_messages()
        with grpc.insecure_channel(address) as channel:
            fetch_jwt_svid = channel.unary_unary(
                METHOD,
                request_serializer=messages["JWTSVIDRequest"].SerializeToString,
                response_deserializer=messages["JWTSVIDResponse"].FromString,
            )
            try:
                response = fetch_jwt_svid(
                    messages["JWTSVIDRequest"](audience=[audience]),
                    metadata=(SECURITY_HEADER,),
                    timeout=context.deadline.attempt_timeout(),
                )
            except grpc.RpcError as exc:
                raise AmbientCredentialError(
                    f"FetchJWTSVID at {address} failed: {exc.code().name}: {exc.details()}"
                ) from None
        if not response.svids:
            raise AmbientCredentialError("the agent returned no JWT-SVID")
        return str(response.svids[0].svid)
