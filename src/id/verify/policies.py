"""Claim policies: which verified tokens a service accepts.

A policy looks at the claims of a token whose signature, issuer, audience and validity were
already verified, and lists every claim that does not match; `Verifier.verify` refuses the token
with a `PolicyError` naming each one. Policies combine with `AllOf` and `AnyOf`, and any function
of the claims that returns a bool is one too.

String expectations of `Claims`, and `ref` of the CI policies, are globs (`*`, `?`, `[...]`,
matched with `fnmatch.fnmatchcase`: case-sensitive, `*` also matches `/`); write `[*]` for a
literal `*`. Everything else is compared exactly, except where a policy says otherwise (GitHub's
repository and environment names, GitLab's project path and Google's email are compared without
regard to case, as those services treat them).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from typing import Any, Union

from .._errors import PolicyError

#: Events whose runs GitHub executes with the base repository's permissions for code or data a
#: fork controls: `pull_request_target` (GitHub Security Lab, "Preventing pwn requests") and
#: `workflow_run`. A trust policy that does not name its events refuses them.
RISKY_GITHUB_EVENTS = frozenset({"pull_request_target", "workflow_run"})


class Mismatch:
    """One claim that did not match: its name, what was expected, and what the token has
    (`MISSING` when it has no such claim)."""

    __slots__ = ("actual", "claim", "expected")

    def __init__(self, claim: str, expected: object, actual: object) -> None:
        self.claim = claim
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        has = "no such claim" if self.actual is MISSING else f"{_shown(self.actual)}"
        return f"{self.claim}: expected {_shown(self.expected)}, the token has {has}"

    def __repr__(self) -> str:
        return f"Mismatch({self.claim!r}, {self.expected!r}, {self.actual!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mismatch) and (self.claim, self.expected, self.actual) == (
            other.claim,
            other.expected,
            other.actual,
        )

    def __hash__(self) -> int:
        return hash((self.claim, repr(self.expected), repr(self.actual)))


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: The token has no such claim.
MISSING: Any = _Missing()


def _shown(value: object) -> str:
    if isinstance(value, _Expected):
        return value.text
    return repr(value)


class _Expected:
    """An expectation described in words ("one of 'a', 'b'", "not 'x'"), for messages."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Policy(abc.ABC):
    """What a token's claims must hold."""

    @abc.abstractmethod
    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        """Every claim that does not match; empty when the claims satisfy the policy."""

    def check(self, claims: Mapping[str, Any]) -> None:
        """`PolicyError` naming every claim that does not match."""
        found = self.mismatches(claims)
        if found:
            lines = "\n".join(f"  {mismatch}" for mismatch in found)
            raise PolicyError(
                f"the token does not match the policy:\n{lines}", mismatches=tuple(found)
            )


PolicyLike = Union[Policy, Callable[[Mapping[str, Any]], bool]]


def as_policy(policy: PolicyLike) -> Policy:
    """`policy` as a `Policy`: a function of the claims returning a bool becomes one."""
    if isinstance(policy, Policy):
        return policy
    if callable(policy):
        return _Function(policy)
    raise TypeError(f"a policy is a Policy or a function of the claims, not {policy!r}")


class _Function(Policy):
    def __init__(self, function: Callable[[Mapping[str, Any]], bool]) -> None:
        self.function = function
        self.name = getattr(function, "__qualname__", None) or repr(function)

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        outcome = self.function(claims)
        if outcome is True:
            return []
        return [Mismatch(f"policy {self.name}", True, outcome)]


class AllOf(Policy):
    """Every one of the policies; the mismatches of all of them."""

    def __init__(self, *policies: PolicyLike) -> None:
        if not policies:
            raise ValueError("AllOf needs at least one policy")
        self.policies = tuple(as_policy(p) for p in policies)

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        return [m for policy in self.policies for m in policy.mismatches(claims)]


class AnyOf(Policy):
    """At least one of the policies; when none matches, the mismatches of each, numbered
    (`[1] repository: ...`)."""

    def __init__(self, *policies: PolicyLike) -> None:
        if not policies:
            raise ValueError("AnyOf needs at least one policy")
        self.policies = tuple(as_policy(p) for p in policies)

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        found: list[Mismatch] = []
        for number, policy in enumerate(self.policies, 1):
            own = policy.mismatches(claims)
            if not own:
                return []
            found.extend(Mismatch(f"[{number}] {m.claim}", m.expected, m.actual) for m in own)
        return found


def _text(value: object) -> str | None:
    """A claim's value as the text an expectation is matched against: strings as they are,
    numbers in decimal, booleans as JSON writes them; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    return None


def _matches(pattern: str, value: object, *, glob: bool, fold: bool = False) -> bool:
    """Whether the claim `value` (or, for a list, one of its items) matches `pattern`."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        text = _text(item)
        if text is None:
            continue
        want = pattern
        if fold:
            text, want = text.casefold(), want.casefold()
        if fnmatchcase(text, want) if glob else text == want:
            return True
    return False


def _expect(
    claims: Mapping[str, Any],
    name: str,
    expected: object,
    *,
    glob: bool = False,
    fold: bool = False,
) -> list[Mismatch]:
    if name not in claims:
        return [Mismatch(name, expected, MISSING)]
    pattern = expected if isinstance(expected, str) else _text(expected)
    if pattern is None:
        equal = claims[name] == expected
    else:
        equal = _matches(pattern, claims[name], glob=glob, fold=fold)
    return [] if equal else [Mismatch(name, expected, claims[name])]


class Claims(Policy):
    """Claims of any issuer: `Claims(sub="repo:org/app:*", email_verified=True)`. A string is a
    glob; a number or boolean matches the claim's value or its text (`"123"`, `"true"`); a claim
    that is a list matches when one of its items does."""

    def __init__(self, **expected: object) -> None:
        if not expected:
            raise ValueError("Claims needs at least one claim to expect")
        self.expected = expected

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        return [
            m
            for name, value in self.expected.items()
            for m in _expect(claims, name, value, glob=True)
        ]


def _workflow_path(ref: object) -> tuple[str, str, str] | None:
    """`owner/repo/.github/workflows/file.yml@ref` as (repository, path, ref)."""
    if not isinstance(ref, str) or "@" not in ref:
        return None
    where, _, at = ref.partition("@")
    parts = where.split("/", 2)
    if len(parts) != 3 or not parts[2].startswith(".github/workflows/"):
        return None
    return f"{parts[0]}/{parts[1]}", parts[2], at


def github_subject_prefixes(claims: Mapping[str, Any]) -> list[str]:
    """The beginnings a GitHub token's `sub` may have for its `repository` (lower-cased): the
    name form `repo:OWNER/REPO:`, and the immutable form GitHub introduced on 2026-04-23,
    `repo:OWNER-OWNER_ID/REPO-REPO_ID:`, where the ids are the token's `repository_owner_id` and
    `repository_id`."""
    repository = str(claims.get("repository", "")).casefold()
    prefixes = [f"repo:{repository}:"]
    owner, _, name = repository.partition("/")
    owner_id, repository_id = claims.get("repository_owner_id"), claims.get("repository_id")
    if owner_id is not None and repository_id is not None:
        prefixes.append(f"repo:{owner}-{owner_id}/{name}-{repository_id}:")
    return prefixes


class GitHubActions(Policy):
    """Tokens of GitHub Actions runs of `repository` (`owner/repo`, compared without regard to
    case, as GitHub treats names).

    - `workflow`: the file name of the workflow the run started from (`release.yml`), matched
      against `workflow_ref`: the *caller* when a reusable workflow is used.
    - `job_workflow`: `owner/repo/.github/workflows/file.yml` (optionally `@ref`), matched
      against `job_workflow_ref`: the workflow whose steps the job runs, a *reusable* workflow
      when one is called. Pin this to trust a shared release workflow, whoever calls it.
    - `environment`: the deployment environment (without regard to case); its protection rules
      are what make it worth requiring.
    - `ref`: a glob of `ref` (`refs/tags/v*`).
    - `repository_id`, `repository_owner_id`: pin the immutable ids, so that a repository
      deleted and re-created, or an owner name taken over, does not match.
    - `events`: the `event_name`s accepted; by default any but `pull_request_target` and
      `workflow_run`, which run a base repository's workflow for a fork's code or data.

    The token's `sub` must agree with its `repository` in either of GitHub's forms (the name
    form or the immutable-id form).
    """

    def __init__(
        self,
        repository: str,
        *,
        workflow: str | None = None,
        job_workflow: str | None = None,
        environment: str | None = None,
        ref: str | None = None,
        repository_id: str | int | None = None,
        repository_owner_id: str | int | None = None,
        events: frozenset[str] | set[str] | list[str] | tuple[str, ...] | None = None,
    ) -> None:
        if repository.count("/") != 1 or not all(repository.split("/")):
            raise ValueError(f"repository is 'owner/repo', not {repository!r}")
        if workflow is not None and "/" in workflow:
            raise ValueError(
                f"workflow is a file name (release.yml), not {workflow!r}; a reusable workflow "
                "is pinned with job_workflow='owner/repo/.github/workflows/file.yml'"
            )
        if (
            job_workflow is not None
            and _workflow_path(job_workflow + "@x") is None
            and (_workflow_path(job_workflow) is None)
        ):
            raise ValueError(
                f"job_workflow is 'owner/repo/.github/workflows/file.yml[@ref]', not "
                f"{job_workflow!r}"
            )
        self.repository = repository
        self.workflow = workflow
        self.job_workflow = job_workflow
        self.environment = environment
        self.ref = ref
        self.repository_id = repository_id
        self.repository_owner_id = repository_owner_id
        self.events = None if events is None else frozenset(events)

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        found = _expect(claims, "repository", self.repository, fold=True)
        for name, value in (
            ("repository_id", self.repository_id),
            ("repository_owner_id", self.repository_owner_id),
        ):
            if value is not None:
                found += _expect(claims, name, str(value))
        if self.environment is not None:
            found += _expect(claims, "environment", self.environment, fold=True)
        if self.ref is not None:
            found += _expect(claims, "ref", self.ref, glob=True)
        if self.workflow is not None:
            found += self._workflow(claims)
        if self.job_workflow is not None:
            found += self._job_workflow(claims)
        found += self._event(claims)
        if not found:
            found += self._subject(claims)
        return found

    def _workflow(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        parsed = _workflow_path(claims.get("workflow_ref"))
        expected = f"{self.repository}/.github/workflows/{self.workflow}@..."
        if parsed is None:
            return [
                Mismatch(
                    "workflow_ref", _Expected(repr(expected)), claims.get("workflow_ref", MISSING)
                )
            ]
        repository, path, _ = parsed
        if (
            repository.casefold() != self.repository.casefold()
            or path != f".github/workflows/{self.workflow}"
        ):
            return [Mismatch("workflow_ref", _Expected(repr(expected)), claims["workflow_ref"])]
        return []

    def _job_workflow(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        assert self.job_workflow is not None  # noqa: S101 - checked by the caller
        want, _, want_ref = self.job_workflow.partition("@")
        parsed = _workflow_path(claims.get("job_workflow_ref"))
        shown = _Expected(repr(self.job_workflow + ("" if want_ref else "@...")))
        if parsed is None:
            return [Mismatch("job_workflow_ref", shown, claims.get("job_workflow_ref", MISSING))]
        repository, path, ref = parsed
        owner, name, want_path = want.split("/", 2)
        same = (
            f"{owner}/{name}".casefold() == repository.casefold()
            and want_path == path
            and (not want_ref or want_ref == ref)
        )
        return [] if same else [Mismatch("job_workflow_ref", shown, claims["job_workflow_ref"])]

    def _event(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        event = claims.get("event_name", MISSING)
        if self.events is not None:
            if event in self.events:
                return []
            allowed = ", ".join(map(repr, sorted(self.events)))
            return [Mismatch("event_name", _Expected(f"one of {allowed}"), event)]
        if event in RISKY_GITHUB_EVENTS:
            risky = ", ".join(map(repr, sorted(RISKY_GITHUB_EVENTS)))
            return [
                Mismatch("event_name", _Expected(f"none of {risky} (pass events= to allow)"), event)
            ]
        return []

    @staticmethod
    def _subject(claims: Mapping[str, Any]) -> list[Mismatch]:
        subject = claims.get("sub")
        prefixes = github_subject_prefixes(claims)
        if isinstance(subject, str) and subject.casefold().startswith(tuple(prefixes)):
            return []
        wanted = " or ".join(f"{p!r}..." for p in prefixes)
        return [Mismatch("sub", _Expected(f"{wanted} (the token's repository)"), subject)]


class GitLabCI(Policy):
    """Tokens of GitLab CI/CD jobs of `project_path` (`group/project`, without regard to case).

    - `ci_config_ref_uri`: the pipeline configuration the job ran from
      (`gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main`), exactly.
    - `ref`: a glob of `ref` (`v*` for tags, `main`).
    - `environment`: the deployment environment, exactly.
    - `namespace_id`, `project_id`: pin the immutable ids against a group or project deleted
      and re-created under the same path.
    """

    def __init__(
        self,
        project_path: str,
        *,
        ci_config_ref_uri: str | None = None,
        ref: str | None = None,
        environment: str | None = None,
        namespace_id: str | int | None = None,
        project_id: str | int | None = None,
    ) -> None:
        if "/" not in project_path:
            raise ValueError(f"project_path is 'group/project', not {project_path!r}")
        self.project_path = project_path
        self.ci_config_ref_uri = ci_config_ref_uri
        self.ref = ref
        self.environment = environment
        self.namespace_id = namespace_id
        self.project_id = project_id

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        found = _expect(claims, "project_path", self.project_path, fold=True)
        if self.ci_config_ref_uri is not None:
            found += _expect(claims, "ci_config_ref_uri", self.ci_config_ref_uri)
        if self.ref is not None:
            found += _expect(claims, "ref", self.ref, glob=True)
        if self.environment is not None:
            found += _expect(claims, "environment", self.environment)
        for name, value in (("namespace_id", self.namespace_id), ("project_id", self.project_id)):
            if value is not None:
                found += _expect(claims, name, str(value))
        return found


class Google(Policy):
    """Google-signed tokens of `email` (a service account's or a person's, without regard to
    case), whose `email_verified` is true: an unverified address proves nothing."""

    def __init__(self, email: str) -> None:
        if "@" not in email:
            raise ValueError(f"email is an address, not {email!r}")
        self.email = email

    def mismatches(self, claims: Mapping[str, Any]) -> list[Mismatch]:
        found = _expect(claims, "email", self.email, fold=True)
        verified = claims.get("email_verified", MISSING)
        if verified is not True and verified != "true":
            found.append(Mismatch("email_verified", True, verified))
        return found
