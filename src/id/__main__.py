"""`python -m id`: print an OIDC token for an audience, or show what a token says.

Exit status: 0 done; 1 a platform was detected but gave no token (or another error); 2 the
command line is wrong; 3 no supported environment was detected; 4 the token is expired, not valid
yet, for another audience, or did not verify; 5 an optional extra that the command needs is not
installed.
"""

from __future__ import annotations

import os
import sys

from . import __version__
from ._errors import IdentityError
from ._settings import AUDIENCE as AUDIENCE_VARIABLE
from ._settings import CLIENT_SECRET as CLIENT_SECRET_VARIABLE

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from typing import Any

    from ._token import IdentityToken
    from .signin.issuer import Flow


_TRUE = frozenset({"1", "true", "yes", "on"})
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_DETECTED = 3
EXIT_INVALID = 4
EXIT_MISSING_EXTRA = 5
#: The command line's defaults, written once for the fast parser and argparse alike. The sign-in
#: time limit is `id.signin.DEFAULT_TIMEOUT` (a test checks), not imported: start-up time.
SIGN_IN_TIMEOUT = 300.0
ANY_PORT = 0


class UsageError(IdentityError):
    """The command line cannot be carried out as given (exit status 2, with the message)."""

    exit_status = EXIT_USAGE


class Invalid(IdentityError):  # noqa: N818 - the token is
    """What was printed is a token outside its validity period, for another audience, or not
    what `--expect` asks (exit status 4, after it is printed)."""

    exit_status = EXIT_INVALID


class Arguments:
    """What the command line asked for."""

    __slots__ = (
        "audience",
        "client_id",
        "expect",
        "flow",
        "interactive",
        "issuer",
        "port",
        "provider",
        "timeout",
        "token",
        "verbose",
        "view",
    )

    def __init__(
        self,
        audience: str | None,
        *,
        view: str = "token",
        verbose: int = 0,
        token: str | None = None,
        issuer: str | None = None,
        client_id: str | None = None,
        flow: str | None = None,
        interactive: bool = False,
        port: int = ANY_PORT,
        provider: str | None = None,
        timeout: float = SIGN_IN_TIMEOUT,
        expect: Sequence[str] = (),
    ) -> None:
        self.audience = audience
        self.view = view
        self.verbose = verbose
        self.token = token
        self.issuer = issuer
        self.client_id = client_id
        self.flow = flow
        self.interactive = interactive
        self.port = port
        self.provider = provider
        self.timeout = timeout
        #: `CLAIM=VALUE`s the verified token must hold (`--expect`).
        self.expect = tuple(expect)

    @property
    def signs_in(self) -> bool:
        """Whether a person is to be signed in (now, or when no platform is detected).

        `--issuer URL` signs in, then `--verify` checks the result against that issuer; with an
        AUDIENCE as well, `--issuer URL --verify AUDIENCE` verifies a detected token instead.
        """
        explicit = self.client_id is not None or self.flow is not None or self.interactive
        verifies_detected = self.view == "verify" and self.audience is not None
        return explicit or (self.issuer is not None and not self.token and not verifies_detected)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Arguments({fields})"


_VERBOSE = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}
_DECODE = frozenset({"-d", "--decode"})


def parse_common(argv: Sequence[str]) -> Arguments | None:
    """Parse the usual command lines (`[-v...] [-d] [AUDIENCE]`) without argparse.

    Importing and building an argparse parser costs about 8 ms, more than everything else
    `python -m id` does when no platform is present. Anything this does not recognise (help,
    version, abbreviations, `--`, options it does not know) returns None and goes to argparse,
    which gives the same result for every command line this accepts.
    """
    audience: str | None = None
    view = "token"
    verbose = 0
    for argument in argv:
        if argument in _VERBOSE:
            verbose += _VERBOSE[argument]
        elif argument in _DECODE:
            view = "decode"
        elif argument.startswith("-") or audience is not None:
            return None
        else:
            audience = argument
    return Arguments(audience, view=view, verbose=verbose)


def parse(argv: Sequence[str]) -> Arguments:
    """Parse any command line; exits with status 2 on a usage error, as argparse does."""
    namespace = _parser().parse_args(argv)
    view = namespace.view or ("show" if namespace.token is not None else "token")
    return Arguments(
        namespace.audience,
        view=view,
        verbose=namespace.verbose,
        token=namespace.token,
        issuer=namespace.issuer,
        client_id=namespace.client_id,
        flow=namespace.flow,
        interactive=namespace.interactive,
        port=namespace.port,
        provider=namespace.provider,
        timeout=namespace.timeout,
        expect=namespace.expect or (),
    )


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m id",
        description="Print an OIDC identity token for AUDIENCE from the CI platform or cloud "
        "workload this runs on, or show what a token says.",
        epilog=f"exit status: {EXIT_OK} token printed, {EXIT_ERROR} a platform was detected "
        f"but gave no token, {EXIT_USAGE} usage error, {EXIT_NOT_DETECTED} no supported "
        f"environment detected, {EXIT_INVALID} the token is expired, for another audience, did "
        f"not verify or does not hold what --expect asks, {EXIT_MISSING_EXTRA} an optional extra "
        "the command needs is not installed",
    )
    parser.add_argument("-V", "--version", action="version", version=f"id {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="debug logging to stderr (tokens are never logged); -vv also logs other libraries",
    )
    views = parser.add_mutually_exclusive_group()
    views.add_argument(
        "-d",
        "--decode",
        dest="view",
        action="store_const",
        const="decode",
        help="print the token's decoded header and payload (JSON, one per line) instead",
    )
    views.add_argument(
        "--json",
        dest="view",
        action="store_const",
        const="json",
        help="print one JSON object: header, claims, issuer, identity, expiry, platform",
    )
    views.add_argument(
        "--show",
        dest="view",
        action="store_const",
        const="show",
        help="print what the token says, for people (the default with --token)",
    )
    views.add_argument(
        "--verify",
        dest="view",
        action="store_const",
        const="verify",
        help="verify the token's signature and claims against its issuer and print the "
        "verified claims (needs the verify extra)",
    )
    views.add_argument(
        "--list-providers",
        dest="view",
        action="store_const",
        const="list-providers",
        help="list every provider, in the order they are tried, and whether it is detected "
        "here and why",
    )
    views.add_argument(
        "--explain",
        dest="view",
        action="store_const",
        const="explain",
        help="the same, and for AUDIENCE which provider would answer and how",
    )
    parser.add_argument(
        "--expect",
        action="append",
        metavar="CLAIM=VALUE",
        help="with --verify: the verified token's CLAIM must be VALUE (a glob: *, ?, [...]); "
        "repeat for more claims. Exit status 4, with one line per claim that does not match, "
        "otherwise",
    )
    parser.add_argument(
        "--provider",
        metavar="NAME",
        help="ask only this provider (see --list-providers); its absence is an error",
    )
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        help="inspect this token instead of detecting one; '-' reads it from stdin",
    )
    parser.add_argument(
        "--issuer",
        metavar="URL",
        help="the OpenID issuer (a URL, or 'sigstore' / 'sigstore-staging'): to sign in with; "
        "with --verify, the issuer whose keys to trust (needed unless the token's iss is a "
        "well-known public issuer, or the issuer python -m id.testing serves)",
    )
    signin = parser.add_argument_group(
        "signing in a person (never automatic: only with these options)"
    )
    signin.add_argument(
        "--client-id",
        metavar="ID",
        help="the OAuth client to sign in as (default: the issuer's own, or AUDIENCE); the "
        "token's audience is this client id. A secret, if the client has one, is read from "
        f"${CLIENT_SECRET_VARIABLE}",
    )
    flows = signin.add_mutually_exclusive_group()
    flows.add_argument(
        "--device",
        dest="flow",
        action="store_const",
        const="device",
        help="sign in on any device with a code (RFC 8628), for machines without a browser",
    )
    flows.add_argument(
        "--oob",
        dest="flow",
        action="store_const",
        const="oob",
        help="print the sign-in URL and read the code from the terminal",
    )
    signin.add_argument(
        "--interactive",
        action="store_true",
        help="detect a platform first; sign in only when none is detected, and never in CI",
    )
    signin.add_argument(
        "--timeout",
        type=float,
        default=SIGN_IN_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the person to sign in (default: {SIGN_IN_TIMEOUT:g})",
    )
    signin.add_argument(
        "--port",
        type=int,
        default=ANY_PORT,
        help="browser flow: a fixed loopback port for the redirect (default: any free one)",
    )
    parser.add_argument(
        "audience",
        nargs="?",
        help=f"the audience the token is for (default: ${AUDIENCE_VARIABLE})",
    )
    return parser


def _fail(message: str, verbosity: int) -> None:
    from ._output import print_error

    if verbosity:
        import traceback

        from ._redact import clean

        sys.stderr.write(clean(traceback.format_exc(), limit=None) + "\n")
    print_error("id", message)


def _read_token(value: str) -> str:
    if value != "-":
        return value
    from ._jwt import MAX_TOKEN_LENGTH

    return sys.stdin.read(MAX_TOKEN_LENGTH + 1).strip()


def _not_detected() -> int:
    from .providers import SPECS

    checked = ", ".join(spec.title for spec in SPECS if not spec.opt_in)
    print(
        f"id: no supported environment detected (checked: {checked}); "
        "run inside a CI job or cloud workload that issues OIDC tokens",
        file=sys.stderr,
    )
    for hint in _partial_signals(os.environ):
        print(f"id: hint: {hint}", file=sys.stderr)
    return EXIT_NOT_DETECTED


def _partial_signals(environ: Mapping[str, str]) -> list[str]:
    """What looks like half a platform: the usual reasons nothing was detected."""
    from .providers import spec

    hints = []
    # Kubernetes is present when both are set: the pod's own variable and the user's.
    pod, token_file = spec("kubernetes").all_of
    if environ.get(pod) and not environ.get(token_file):
        hints.append(
            f"this is a Kubernetes pod, but {token_file} is not set: project a "
            "service-account token for the audience and point it at the file "
            "(python -m id --explain AUDIENCE shows the pod spec)"
        )
    if environ.get("CI", "").strip().lower() in _TRUE:
        hints.append(
            "CI is set, but no platform's variables are: a tool that runs commands in a clean "
            "environment (tox, nox) may have removed them; pass them through (tox: pass_env, "
            "nox: session.run(env=...)), or run `python -m id` outside it"
        )
    return hints


def _sign_in(args: Arguments, audience: str) -> str:
    """Sign a person in, as the options say, and return the raw ID token."""
    from .signin import WELL_KNOWN_ISSUERS, interactive_credential

    name = args.issuer or "sigstore"
    # A well-known issuer brings its own client id; elsewhere the audience names the client.
    client_id = args.client_id or (None if name in WELL_KNOWN_ISSUERS else audience or None)
    flow: Flow = "device" if args.flow == "device" else "oob" if args.flow == "oob" else "browser"
    token = interactive_credential(
        name,
        client_id=client_id,
        client_secret=os.environ.get(CLIENT_SECRET_VARIABLE, ""),
        flow=flow,
        port=args.port,
        timeout=args.timeout,
    )
    return token.raw


def _in_ci() -> str | None:
    value = os.environ.get("CI", "").strip().lower()
    return f"CI={os.environ['CI']}" if value in _TRUE else None


def _obtain(args: Arguments, audience: str) -> str | None:
    """The raw token the command line asks for; None when no platform is detected."""
    if args.token is not None:
        return _read_token(args.token)
    if args.signs_in and not args.interactive:
        return _sign_in(args, audience)
    from ._detect import detect_credential

    raw = detect_credential(audience, provider=args.provider) if audience else None
    if raw is None and args.interactive:
        ci = _in_ci()
        if ci is not None:
            print(
                f"id: this looks like CI ({ci}): not starting an interactive sign-in that "
                "nobody can finish",
                file=sys.stderr,
            )
            return None
        raw = _sign_in(args, audience)
    return raw


def _render(args: Arguments, raw: str, audience: str) -> str:
    from . import _views

    if args.view == "decode":
        return _views.decoded(raw)
    from ._token import IdentityToken

    token = IdentityToken(raw)
    if args.view in ("json", "show"):
        text = _views.as_json(token) if args.view == "json" else _views.show(token)
        problem = _validity_problem(token, audience)
        if problem is not None:
            sys.stdout.write(text)
            raise Invalid(problem)
        return text
    claims = token.verify(audience=audience or token.audience[0], issuer=_trusted(args, token))
    text = _views.verified(claims)
    if args.expect:
        problem = _expectations_problem(args.expect, claims)
        if problem is not None:
            sys.stdout.write(text)
            raise Invalid(problem)
    return text


def _expectations(expect: Sequence[str]) -> dict[str, str]:
    """`--expect CLAIM=VALUE`s as a mapping; a usage error for one without `=`."""
    expected: dict[str, str] = {}
    for item in expect:
        claim, equals, value = item.partition("=")
        if not equals or not claim:
            raise UsageError(f"--expect takes CLAIM=VALUE, not {item!r}")
        expected[claim] = value
    return expected


def _expectations_problem(expect: Sequence[str], claims: Mapping[str, Any]) -> str | None:
    """One line per `--expect` the verified `claims` do not hold (None when all hold)."""
    from .verify import Claims

    mismatches = Claims(**_expectations(expect)).mismatches(claims)
    if not mismatches:
        return None
    lines = "\n".join(str(mismatch) for mismatch in mismatches)
    return f"the token does not hold what --expect asks:\n{lines}"


def _validity_problem(token: IdentityToken, audience: str) -> str | None:
    """Why the token shown is not usable now for `audience` (None when it is)."""
    from ._errors import ExpiredIdentity

    try:
        token.check_validity_period()
    except ExpiredIdentity as exc:
        return str(exc)
    if audience and audience not in token.audience:
        shown = ", ".join(map(repr, token.audience))
        return f"the token is for {shown}, not {audience!r}"
    return None


def _trusted(args: Arguments, token: IdentityToken) -> str:
    """The issuer whose keys `--verify` fetches: the one named, or a well-known public one."""
    from importlib.util import find_spec

    if find_spec("jwt") is None:
        from ._errors import MissingExtraError

        raise MissingExtraError(
            "verifying a token needs the verify extra: pip install 'id[verify]'"
        )
    if args.issuer is not None:
        from .signin import WELL_KNOWN_ISSUERS

        return (
            WELL_KNOWN_ISSUERS[args.issuer][0] if args.issuer in WELL_KNOWN_ISSUERS else args.issuer
        )
    from ._redact import escaped
    from ._verify import public_issuers

    if _served_by_id_testing(token.issuer):
        print(f"id: verifying against the emulated issuer {token.issuer}", file=sys.stderr)
        return token.issuer
    if token.issuer not in public_issuers():
        # Fetching keys from whatever URL a pasted token names would let the token choose which
        # server this machine talks to.
        raise UsageError(
            f"the token names the issuer {escaped(token.issuer)!r}, which is not a well-known "
            "public issuer: pass --issuer URL to say which issuer to trust"
        )
    print(f"id: verifying against the public issuer {token.issuer}", file=sys.stderr)
    return token.issuer


def _served_by_id_testing(issuer: str) -> bool:
    """Whether `issuer` is the loopback issuer `python -m id.testing` says it serves (in
    `ID_TESTING_ISSUER`): trusted for `--verify` without `--issuer` inside an emulated job."""
    from urllib.parse import urlsplit

    from ._http import is_loopback
    from ._settings import TESTING_ISSUER, text

    named = text(os.environ, TESTING_ISSUER)
    return bool(named) and issuer == named and is_loopback(urlsplit(issuer).hostname or "")


def _report(args: Arguments) -> int:
    """`--list-providers` and `--explain`: the exit status says whether a token would come."""
    from ._views import providers_report

    audience = args.audience or os.environ.get(AUDIENCE_VARIABLE) or None
    report = providers_report(os.environ, audience if args.view == "explain" else None)
    sys.stdout.write(report.text)
    if report.answers is False:
        return EXIT_ERROR if report.found else EXIT_NOT_DETECTED
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`) and return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_common(argv) or parse(argv)
    if args.expect and args.view != "verify":
        _parser().error("--expect goes with --verify: it checks the verified token's claims")
    if args.view in ("list-providers", "explain"):
        return _report(args)
    audience = args.audience or os.environ.get(AUDIENCE_VARIABLE, "")
    needs_audience = (args.token is None or args.view == "verify") and not args.signs_in
    if needs_audience and not audience.strip():
        what = "the audience to verify" if args.token is not None else "an AUDIENCE argument"
        _parser().error(f"give {what} or set {AUDIENCE_VARIABLE}")
    from ._log import configure

    configure(args.verbose, os.environ)

    from ._deadline import Deadline

    try:
        with Deadline.shared(os.environ):
            raw = _obtain(args, audience)
        if raw is None:
            return _not_detected()
        if args.view == "token":
            from ._output import print_secret

            print_secret(raw.strip(), [("token", raw.strip())])
        else:
            sys.stdout.write(_render(args, raw, audience))
    except (Exception, KeyboardInterrupt) as exc:
        return _failure(exc, args.verbose)
    return EXIT_OK


def _failure(exc: BaseException, verbosity: int) -> int:
    """Say what went wrong on one line (a traceback too with -v) and give the exit status."""
    from ._redact import summarize

    if isinstance(exc, KeyboardInterrupt):
        print("id: interrupted", file=sys.stderr)
        return 130
    if isinstance(exc, IdentityError):
        # The error knows its status; a traceback (-v) helps only with a failure.
        _fail(str(exc), verbosity if exc.exit_status == EXIT_ERROR else 0)
        return exc.exit_status
    # A bug must still end in one readable line, without what the exception may quote.
    _fail(
        f"unexpected {type(exc).__name__}: {summarize(str(exc))} (run with -v for a traceback; "
        "please report it)",
        verbosity,
    )
    return EXIT_ERROR


def main() -> None:
    """Entry point of `python -m id` and of `pipx run id`."""
    sys.exit(run())


if __name__ == "__main__":
    main()
