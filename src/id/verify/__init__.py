"""Verifying OIDC tokens, for the services that accept them: a deploy service, an artifact
server, a registry, a webhook a CI job calls.

    from id.verify import GitHubActions, MemoryReplayStore, Verifier

    verifier = Verifier(
        "https://token.actions.githubusercontent.com",
        "https://deploy.example.com",
        replay=MemoryReplayStore(),
    )
    claims = verifier.verify(token, GitHubActions("octo-org/app", environment="production"))

`Verifier` checks the signature (against the issuer's keys, fetched by discovery and cached),
the issuer, exactly one audience, the validity period, a claim policy and, with a store, that
the token was not used before. Policies: `GitHubActions`, `GitLabCI`, `Google`, `Claims`,
combined with `AllOf`/`AnyOf`, or any function of the claims. Stores: `MemoryReplayStore` for
one replica, `RedisReplayStore` for many. Needs the `verify` extra (`pip install 'id[verify]'`);
Redis, the `redis` extra. docs/verifying.md is the guide.
"""

from __future__ import annotations

from .._errors import ExpiredIdentity, PolicyError, ReplayError, VerificationError
from ._verifier import Verifier
from .policies import (
    MISSING,
    AllOf,
    AnyOf,
    Claims,
    GitHubActions,
    GitLabCI,
    Google,
    Mismatch,
    Policy,
)
from .replay import MemoryReplayStore, RedisReplayStore, ReplayStore

__all__ = [
    "MISSING",
    "AllOf",
    "AnyOf",
    "Claims",
    "ExpiredIdentity",
    "GitHubActions",
    "GitLabCI",
    "Google",
    "MemoryReplayStore",
    "Mismatch",
    "Policy",
    "PolicyError",
    "RedisReplayStore",
    "ReplayError",
    "ReplayStore",
    "VerificationError",
    "Verifier",
]
