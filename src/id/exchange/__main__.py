"""`python -m id.exchange TARGET`: exchange this platform's identity for a service's credential.

Secrets go to stdout only; messages, one line, to stderr. Exit status: 0 done, 1 the exchange
failed (the message says what the service answered and what to change), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m id.exchange",
        description="Exchange this platform's OIDC identity for a service's credential.",
    )
    targets = parser.add_subparsers(dest="target", required=True, metavar="TARGET")
    pypi = targets.add_parser("pypi", help="a PyPI upload token (trusted publishing)")
    pypi.add_argument(
        "--repository-url",
        metavar="URL",
        help="the upload URL (default: $TWINE_REPOSITORY_URL, else PyPI's)",
    )
    pypi.add_argument("--json", action="store_true", help='print {"token": ...}')
    aws = targets.add_parser("aws", help="AWS credentials, as credential_process JSON")
    aws.add_argument("--role-arn", required=True, metavar="ARN")
    aws.add_argument("--role-session-name", metavar="NAME")
    aws.add_argument("--duration-seconds", type=int, metavar="SECONDS")
    aws.add_argument("--audience", default="sts.amazonaws.com")
    gcp = targets.add_parser(
        "gcp", help="Google's executable-sourced credential response (workload identity)"
    )
    gcp.add_argument("--audience", help="default: https: + GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE")
    gcp.add_argument(
        "--write-config",
        metavar="FILE",
        help="instead, write the external_account configuration that runs this command",
    )
    gcp.add_argument("--pool-provider", metavar="NAME", help="with --write-config: //iam...")
    gcp.add_argument("--service-account", metavar="EMAIL", help="with --write-config: to act as")
    gcp.add_argument(
        "--token-url",
        metavar="URL",
        help="with --write-config: the STS token endpoint (default: Google's; an emulator's "
        "for tests)",
    )
    vault = targets.add_parser("vault", help="a Vault client token (JWT auth)")
    vault.add_argument("--role", required=True)
    vault.add_argument("--mount", default="jwt")
    vault.add_argument("--audience", default="vault")
    vault.add_argument("--json", action="store_true", help='print {"client_token": ...}')
    return parser


def _gcp(args: argparse.Namespace) -> int:
    from .._output import print_secret, write_private
    from . import executable_response, external_account_config
    from .gcp import OUTPUT_FILE_VARIABLE

    if args.write_config:
        if not args.pool_provider:
            _parser().error("--write-config needs --pool-provider")
        options = {"token_url": args.token_url} if args.token_url else {}
        config = external_account_config(
            args.pool_provider, service_account=args.service_account, **options
        )
        write_private(args.write_config, json.dumps(config, indent=2) + "\n", "configuration")
        return 0
    response = executable_response(audience=args.audience)
    text = json.dumps(response)
    token = response.get("id_token")
    secrets = [("ID token", token)] if isinstance(token, str) else []
    output = os.environ.get(OUTPUT_FILE_VARIABLE)
    if output:
        write_private(output, text, "credential response")
    # google-auth reads stdout and stderr as one: on success, nothing on stderr, so no mask line
    # (google-auth, not a runner's log, reads this output).
    print_secret(text, secrets, mask=False)
    return 0 if response["success"] else 1


def _exchange(args: argparse.Namespace) -> int:
    from .._output import print_secret
    from . import aws_credentials, pypi_token, vault_token

    if args.target == "gcp":
        return _gcp(args)
    if args.target == "pypi":
        token = pypi_token(args.repository_url)
        text = json.dumps({"token": token}) if args.json else token
        print_secret(text, [("upload token", token)])
    elif args.target == "aws":
        credentials = aws_credentials(
            args.role_arn,
            session_name=args.role_session_name,
            duration_seconds=args.duration_seconds,
            audience=args.audience,
        )
        secrets = [(name, str(credentials[name])) for name in AWS_PRINTED]
        print_secret(json.dumps(dict(credentials)), secrets)
    else:
        token = vault_token(args.role, mount=args.mount, audience=args.audience)
        text = json.dumps({"client_token": token}) if args.json else token
        print_secret(text, [("client token", token)])
    return 0


#: The AWS values checked and masked before they are printed (the key id too: it names the key).
AWS_PRINTED = ("AccessKeyId", "SecretAccessKey", "SessionToken")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    from .._deadline import Deadline
    from .._errors import IdentityError
    from .._output import print_error

    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        # One deadline for the whole command: detection and the exchange share it.
        with Deadline.shared(os.environ):
            return _exchange(args)
    except IdentityError as exc:
        print_error("id.exchange", str(exc))
        return 1
    except KeyboardInterrupt:
        print("id.exchange: interrupted", file=sys.stderr)
        return 130


def main() -> None:
    """Entry point of `python -m id.exchange`."""
    sys.exit(run())


if __name__ == "__main__":
    main()
