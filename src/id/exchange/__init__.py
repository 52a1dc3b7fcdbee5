"""Exchanging the identity `id` finds for another service's credential, on any platform `id`
supports: a PyPI upload token (trusted publishing), AWS credentials (`AssumeRoleWithWebIdentity`),
Google Cloud's executable-sourced credential response (workload identity federation), and a Vault
client token (JWT auth).

Each exchange gets the OIDC token with `detect_credential` for the audience the service expects,
sends it through `id`'s HTTP client (HTTPS except loopback, one deadline, the token and every
credential received redacted from every message), and raises `ExchangeError` saying what the
service answered and what to change. The command line is `python -m id.exchange TARGET`.
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
