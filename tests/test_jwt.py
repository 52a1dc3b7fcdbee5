"""decode_oidc_token and the audience helpers: real tokens, hostile input, properties."""

from __future__ import annotations

import base64
import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from id import IdentityError, MalformedTokenError, decode_oidc_token
from id._jwt import MAX_TOKEN_LENGTH, audiences, unverified_claims
from id.testing import OIDCIssuer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_of(header: bytes, payload: bytes, signature: str = "c2ln") -> str:
    return f"{b64(header)}.{b64(payload)}.{signature}"


@pytest.fixture(scope="module")
def issuer() -> OIDCIssuer:
    return OIDCIssuer("https://issuer.example")


def test_decodes_a_real_signed_token(issuer: OIDCIssuer) -> None:
    token = issuer.mint({"aud": "sigstore", "sub": "me"})
    header, payload, signature = decode_oidc_token(token)
    assert json.loads(header) == {"alg": "RS256", "kid": issuer.key_id, "typ": "JWT"}
    assert json.loads(payload)["aud"] == "sigstore"
    assert json.loads(payload)["iss"] == "https://issuer.example"
    assert signature == token.rsplit(".", 1)[1]


def test_returns_the_decoded_text_unchanged() -> None:
    # PyPI's id returns the JSON text as it is in the token; -d prints exactly that.
    header_text = '{"alg":"RS256", "typ":"JWT"}'
    payload_text = '{"aud": ["a","b"] }'
    header, payload, _ = decode_oidc_token(token_of(header_text.encode(), payload_text.encode()))
    assert (header, payload) == (header_text, payload_text)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("only.two", "3 dot-separated parts, this token has 2"),
        ("a.b.c.d", "this token has 4"),
        ("", "this token has 1"),
        ("e$J.e30.c2ln", "header is not base64url"),
        ("eyJ.e30.c2ln", "header is not JSON"),
        (token_of(b"\xff\xfe", b"{}"), "header is not UTF-8"),
        (token_of(b"{}", b"not json"), "payload is not JSON"),
        (token_of(b"{}", b"[1, 2]"), "payload is JSON but not an object (it is a list)"),
        (token_of(b'"str"', b"{}"), "header is JSON but not an object (it is a str)"),
        ("eyJhbGciOiJub25lIn0.e30.a", "signature has an impossible base64url length"),
        (token_of(b"{}", b"{}", signature="a+b"), "signature is not base64url"),
    ],
)
def test_malformed_tokens_raise_a_clear_value_error(token: str, message: str) -> None:
    with pytest.raises(MalformedTokenError) as info:
        decode_oidc_token(token)
    assert message in str(info.value)
    # Old callers catch ValueError; new ones IdentityError.
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, IdentityError)


def test_huge_token_is_refused_before_decoding() -> None:
    huge = "a" * (MAX_TOKEN_LENGTH + 1)
    with pytest.raises(MalformedTokenError, match="characters long"):
        decode_oidc_token(huge)


def test_non_string_token_is_refused() -> None:
    with pytest.raises(MalformedTokenError, match="not bytes"):
        decode_oidc_token(b"a.b.c")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("aud", "expected"),
    [("one", ["one"]), (["one", "two"], ["one", "two"]), ([], [])],
)
def test_audiences_accept_a_string_or_a_list(aud: object, expected: list[str]) -> None:
    assert audiences({"aud": aud}) == expected


@pytest.mark.parametrize(
    ("payload", "message"),
    [({}, "no 'aud' claim"), ({"aud": 5}, "is a int"), ({"aud": ["a", 5]}, "is a list")],
)
def test_audiences_refuse_other_shapes(payload: dict[str, object], message: str) -> None:
    with pytest.raises(MalformedTokenError, match=message):
        audiences(payload)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(
    header=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    payload=st.dictionaries(st.text(max_size=10), json_values, max_size=8),
    signature=st.binary(max_size=64),
)
def test_round_trip_of_any_json_objects(
    header: dict[str, object], payload: dict[str, object], signature: bytes
) -> None:
    header_text, payload_text = json.dumps(header), json.dumps(payload)
    token = f"{b64(header_text.encode())}.{b64(payload_text.encode())}.{b64(signature)}"
    assert decode_oidc_token(token) == (header_text, payload_text, b64(signature))
    assert unverified_claims(token) == payload


@given(st.text(max_size=300))
def test_any_text_either_decodes_or_raises_malformed_token_error(text: str) -> None:
    try:
        header, payload, _ = decode_oidc_token(text)
    except MalformedTokenError:
        return
    assert isinstance(json.loads(header), dict)
    assert isinstance(json.loads(payload), dict)


@given(
    st.lists(
        st.text(
            alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=",
            max_size=40,
        ),
        min_size=3,
        max_size=3,
    )
)
def test_any_base64url_segments_decode_or_raise_malformed_token_error(parts: list[str]) -> None:
    with contextlib.suppress(MalformedTokenError):
        decode_oidc_token(".".join(parts))
