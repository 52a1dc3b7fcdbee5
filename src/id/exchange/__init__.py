"""Exchanging the identity `id` finds for another service's credential, on any platform `id`
supports: a PyPI upload token (trusted publishing), AWS credentials (`AssumeRoleWithWebIdentity`),
Google Cloud's executable-sourced credential response (workload identity federation), and a Vault
client token (JWT auth).

Each exchange gets the OIDC token for the audience the service expects (one announced by the
service itself is trusted less: never a token declared for another consumer, never another
service's audience), sends it through `id`'s HTTP client (HTTPS except loopback), within one
deadline for the detection and the exchange, registers every credential it receives for
redaction, and raises `ExchangeError` saying what the service answered (filtered, capped) and
what to change. The command line is `python -m id.exchange TARGET`, which prints credentials
through one function that checks and, in a runner, masks them.
"""

from __future__ import annotations

from ._common import ExchangeError
from .aws import AwsCredentials, aws_credentials
from .gcp import executable_response, external_account_config
from .pypi import pypi_token
from .vault import vault_token

__all__ = [
    "AwsCredentials",
    "ExchangeError",
    "aws_credentials",
    "executable_response",
    "external_account_config",
    "pypi_token",
    "vault_token",
]
