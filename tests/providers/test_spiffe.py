"""SPIFFE JWT-SVIDs from a real gRPC server on a unix socket that enforces the security header."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing.spiffe import SpiffeWorkloadApi
from tests.helpers import claims, job_environ


def test_jwt_svid_for_the_audience() -> None:
    with SpiffeWorkloadApi(spiffe_id="spiffe://example.org/ci") as agent:
        token = detect_credential("pypi", environ=job_environ(agent.environ), provider="spiffe")
        (call,) = agent.calls
    assert claims(token)["sub"] == "spiffe://example.org/ci"
    assert claims(token)["aud"] == ["pypi"]
    assert call["audience"] == ["pypi"]
    assert call["metadata"]["workload.spiffe.io"] == "true"


@pytest.mark.usefixtures("off_cloud")
def test_never_detected_on_its_own() -> None:
    with SpiffeWorkloadApi() as agent:
        assert detect_credential("pypi", environ=job_environ(agent.environ)) is None
        assert agent.calls == []


def test_agent_refusing_the_workload() -> None:
    with (
        SpiffeWorkloadApi(attested=False) as agent,
        pytest.raises(
            AmbientCredentialError,
            match="FetchJWTSVID at unix://.* failed: PERMISSION_DENIED: no identity issued",
        ),
    ):
        detect_credential("pypi", environ=job_environ(agent.environ), provider="spiffe")


def test_no_agent_at_the_socket(tmp_path: object) -> None:
    environ = job_environ(
        {"SPIFFE_ENDPOINT_SOCKET": "unix:///nonexistent/agent.sock", "ID_TIMEOUT": "2"}
    )
    with pytest.raises(AmbientCredentialError, match="UNAVAILABLE|DEADLINE_EXCEEDED"):
        detect_credential("pypi", environ=environ, provider="spiffe")


def test_only_unix_sockets() -> None:
    environ = job_environ({"SPIFFE_ENDPOINT_SOCKET": "tcp://127.0.0.1:8081"})
    with pytest.raises(AmbientCredentialError, match="must be a unix: address"):
        detect_credential("pypi", environ=environ, provider="spiffe")


def test_the_agent_enforces_the_security_header() -> None:
    import grpc

    from id.providers.spiffe import METHOD, workload_messages

    messages = workload_messages()
    with (
        SpiffeWorkloadApi() as agent,
        grpc.insecure_channel(agent.environ["SPIFFE_ENDPOINT_SOCKET"]) as channel,
    ):
        call = channel.unary_unary(
            METHOD,
            request_serializer=messages["JWTSVIDRequest"].SerializeToString,
            response_deserializer=messages["JWTSVIDResponse"].FromString,
        )
        with pytest.raises(grpc.RpcError) as info:
            call(messages["JWTSVIDRequest"](audience=["pypi"]), timeout=5)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
