"""`python -m id.testing PLATFORM [--claim K=V ...] -- COMMAND ...`: run a command inside an
emulated job of PLATFORM; or `python -m id.testing SERVICE [--platform P] -- COMMAND ...`: inside a
job of P (GitHub Actions by default) with SERVICE, a service `id.exchange` trades tokens with
(`pypi`, `sts`, `vault-auth`), on loopback too.

The emulator's issuer URL and JWKS go to stderr first, so that a relying party under test can be
told to trust them; then COMMAND runs with the job's environment (and no other platform's), the
service's address in the variable its clients read, and `ID_TESTING_ISSUER` naming the
emulator's issuer (which `python -m id --verify` trusts without `--issuer`); its exit status is
this command's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from . import EMULATORS, AwsStsFederation, Faults, PyPIIndex, VaultJwtAuth, clean_environ

#: The variable naming the emulated issuer to the command (`python -m id --verify` trusts it).
ISSUER_VARIABLE = "ID_TESTING_ISSUER"
DEFAULT_ROLE_ARN = "arn:aws:iam::123456789012:role/release"
#: Services `id.exchange` trades tokens with: what each serves, and the variable its clients read.
SERVICES = {
    "pypi": "a package index with trusted publishing (TWINE_REPOSITORY_URL)",
    "sts": "AWS STS AssumeRoleWithWebIdentity (AWS_ENDPOINT_URL_STS)",
    "vault-auth": "Vault's JWT auth login (VAULT_ADDR)",
}


def _claim(text: str) -> tuple[str, Any]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"--claim takes NAME=VALUE, not {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m id.testing",
        description="Run COMMAND inside an emulated job of PLATFORM: its token service runs on "
        "127.0.0.1, and COMMAND gets the variables a job of that platform has.",
        epilog="example: python -m id.testing github --claim repository=me/app -- "
        "python -m id --show pypi",
        usage="%(prog)s [-h] PLATFORM [options] -- COMMAND [ARGS...]",
    )
    parser.add_argument(
        "platform",
        choices=sorted(EMULATORS) + sorted(SERVICES),
        metavar="PLATFORM",
        help="the platform to emulate, or a service to run beside a job: "
        + ", ".join(f"{name} ({what})" for name, what in SERVICES.items()),
    )
    service = parser.add_argument_group("with a service (pypi, sts, vault-auth)")
    service.add_argument(
        "--platform",
        dest="job",
        default="github",
        choices=sorted(EMULATORS),
        metavar="NAME",
        help="the job the command runs in (default: github)",
    )
    service.add_argument(
        "--publisher",
        type=_claim,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pypi: a claim the trusted publisher requires (default: the job's repository, for "
        "github); repeatable",
    )
    service.add_argument(
        "--role-arn", default=DEFAULT_ROLE_ARN, help=f"sts: the role (default: {DEFAULT_ROLE_ARN})"
    )
    service.add_argument(
        "--role", default="release", help="vault-auth: the role (default: release)"
    )
    parser.add_argument(
        "--claim",
        type=_claim,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a claim in every token (VALUE is parsed as JSON when it can be); repeatable",
    )
    parser.add_argument(
        "--audience",
        action="append",
        default=[],
        help="platforms whose audience is configured (gitlab, bitbucket, terraform, ...): declare "
        "a token for this audience; repeatable",
    )
    parser.add_argument(
        "--lifetime", type=float, help="token lifetime in seconds (negative: already expired)"
    )
    parser.add_argument(
        "--fail-status",
        type=int,
        metavar="STATUS",
        help="the token service answers this HTTP status instead of a token",
    )
    parser.add_argument(
        "--fail-times",
        type=int,
        metavar="N",
        help="with --fail-status: fail only the first N requests",
    )
    parser.add_argument(
        "--no-permission",
        action="store_true",
        help="github: the job lacks `permissions: id-token: write`",
    )
    return parser


def _options(
    args: argparse.Namespace, parser: argparse.ArgumentParser, platform: str, emulator: Any
) -> dict[str, Any]:
    """The emulator's options, from the command line."""
    options: dict[str, Any] = {"claims": dict(args.claim)}
    if args.lifetime is not None:
        options["lifetime"] = args.lifetime
    if args.fail_status is not None:
        options["faults"] = Faults(status=args.fail_status, times=args.fail_times)
    from . import FixedAudienceJob

    if platform == "gitlab":
        options["audiences"] = args.audience or ["pypi", "sigstore"]
    elif issubclass(emulator, FixedAudienceJob):
        options["audiences"] = args.audience
    elif args.audience:
        parser.error(
            "--audience applies to platforms whose audience is configured (gitlab, bitbucket, "
            "...): this one takes it at run time"
        )
    if args.no_permission:
        if platform != "github":
            parser.error("--no-permission applies to github only")
        options["id_token_permission"] = False

    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns COMMAND's exit status."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first `--` is the command, options included.
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        parser.error("give the command to run after --")
    platform = args.job if args.platform in SERVICES else args.platform
    try:
        emulator = EMULATORS[platform]
    except ImportError as exc:
        return _missing_extra(platform, exc)
    options = _options(args, parser, platform, emulator)
    with contextlib.ExitStack() as stack:
        try:
            job = stack.enter_context(emulator(**options))
        except ImportError as exc:
            # An emulator may import more of its extra when it starts.
            return _missing_extra(platform, exc)
        print(f"id.testing: emulating {platform}", file=sys.stderr)
        print(f"id.testing: issuer {job.issuer.url}", file=sys.stderr)
        print(
            f"id.testing: jwks {json.dumps(job.issuer.jwks(), separators=(',', ':'))}",
            file=sys.stderr,
        )
        environ = {**clean_environ(), **job.environ, ISSUER_VARIABLE: job.issuer.url}
        if args.platform in SERVICES:
            environ.update(_start_service(args, job, stack))
        sys.stderr.flush()
        try:
            return subprocess.call(command, env=environ)
        except FileNotFoundError:
            print(f"id.testing: {command[0]}: command not found", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130


_EXTRAS = {"spiffe": "pip install 'id[spiffe]'", "aws": "pip install 'id[aws]'"}


def _missing_extra(platform: str, exc: ImportError) -> int:
    """Say which extra the emulator of `platform` needs; exit status 5, as `python -m id`."""
    print(
        f"id.testing: {platform} needs a library that is missing ({exc.name}): "
        f"{_EXTRAS.get(platform, 'see the docs')}",
        file=sys.stderr,
    )
    return 5


def _start_service(
    args: argparse.Namespace, job: Any, stack: contextlib.ExitStack
) -> dict[str, str]:
    """Start the service `args.platform` names, trusting `job`'s issuer; the variables that
    point its clients at it."""
    issuer = job.issuer.url
    if args.platform == "pypi":
        publisher = dict(args.publisher) or (
            {"repository": job.repository} if hasattr(job, "repository") else {}
        )
        index = stack.enter_context(PyPIIndex(issuer, publisher))
        url = f"{index.url}/legacy/"
        print(f"id.testing: pypi {url} (trusted publisher: {publisher})", file=sys.stderr)
        return {"TWINE_REPOSITORY_URL": url, "ID_TESTING_PYPI_URL": url}
    if args.platform == "sts":
        sts = stack.enter_context(AwsStsFederation(issuer, args.role_arn))
        print(f"id.testing: sts {sts.url} (role {args.role_arn})", file=sys.stderr)
        return {"AWS_ENDPOINT_URL_STS": sts.url}
    vault = stack.enter_context(VaultJwtAuth(issuer, role=args.role))
    print(f"id.testing: vault {vault.url} (role {args.role})", file=sys.stderr)
    return {"VAULT_ADDR": vault.url}


if __name__ == "__main__":
    sys.exit(main())
