"""Each policy's success and each of its refusals, on real signed tokens: the error names every
claim that did not match, what was expected and what the token has."""

from __future__ import annotations

from typing import Any

import pytest

from id.testing import OIDCIssuer
from id.verify import (
    AllOf,
    AnyOf,
    Claims,
    GitHubActions,
    GitLabCI,
    Google,
    PolicyError,
    Verifier,
)
from id.verify.policies import Policy
from tests.verify.conftest import AUDIENCE

RELEASE = "octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.0"
SHARED = "octo-org/shared/.github/workflows/publish.yml@refs/heads/main"


def github(**overrides: Any) -> dict[str, Any]:
    """A GitHub Actions tag release's claims, run by `release.yml` calling nothing."""
    claims = {
        "sub": "repo:octo-org/app:environment:production",
        "repository": "octo-org/app",
        "repository_id": "123456",
        "repository_owner": "octo-org",
        "repository_owner_id": "654321",
        "ref": "refs/tags/v1.2.0",
        "environment": "production",
        "event_name": "push",
        "workflow_ref": RELEASE,
        "job_workflow_ref": RELEASE,
    }
    claims.update(overrides)
    return claims


def gitlab(**overrides: Any) -> dict[str, Any]:
    claims = {
        "sub": "project_path:group/app:ref_type:tag:ref:v1.2.0",
        "project_path": "group/app",
        "project_id": "42",
        "namespace_id": "7",
        "ref": "v1.2.0",
        "environment": "production",
        "ci_config_ref_uri": "gitlab.com/group/app//.gitlab-ci.yml@refs/tags/v1.2.0",
    }
    claims.update(overrides)
    return claims


def verified(issuer: OIDCIssuer, claims: dict[str, Any], policy: Any) -> dict[str, Any]:
    token = issuer.mint({"aud": AUDIENCE, **claims})
    return Verifier(issuer.url, AUDIENCE).verify(token, policy)


def refused(issuer: OIDCIssuer, claims: dict[str, Any], policy: Any) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        verified(issuer, claims, policy)
    return info.value


# GitHub Actions


def test_github_accepts_the_repository_its_environment_and_tag(issuer: OIDCIssuer) -> None:
    policy = GitHubActions(
        "Octo-Org/App", workflow="release.yml", environment="Production", ref="refs/tags/v*",
        repository_id=123456, repository_owner_id="654321",
    )  # fmt: skip
    assert verified(issuer, github(), policy)["repository"] == "octo-org/app"


def test_github_names_every_claim_that_does_not_match(issuer: OIDCIssuer) -> None:
    policy = GitHubActions("octo-org/app", environment="production", ref="refs/tags/v*")
    error = refused(
        issuer,
        github(repository="mallory/app", environment="staging", ref="refs/heads/dev",
               sub="repo:mallory/app:environment:staging"),
        policy,
    )  # fmt: skip
    lines = str(error).splitlines()[1:]
    assert [line.strip() for line in lines] == [
        "repository: expected 'octo-org/app', the token has 'mallory/app'",
        "environment: expected 'production', the token has 'staging'",
        "ref: expected 'refs/tags/v*', the token has 'refs/heads/dev'",
    ]
    assert [m.claim for m in error.mismatches] == ["repository", "environment", "ref"]


def test_github_requires_an_environment_when_one_is_named(issuer: OIDCIssuer) -> None:
    error = refused(
        issuer, github(environment=None), GitHubActions("octo-org/app", environment="production")
    )
    assert "environment: expected 'production', the token has no such claim" in str(error)


@pytest.mark.parametrize(
    ("name", "value"), [("repository_id", "999"), ("repository_owner_id", "1")]
)
def test_github_pins_the_immutable_ids(issuer: OIDCIssuer, name: str, value: str) -> None:
    # The same name, re-created: another id.
    policy = GitHubActions("octo-org/app", repository_id=123456, repository_owner_id=654321)
    error = refused(issuer, github(**{name: value}), policy)
    assert f"{name}: expected" in str(error)


@pytest.mark.parametrize("event", ["pull_request_target", "workflow_run"])
def test_github_refuses_risky_events_by_default(issuer: OIDCIssuer, event: str) -> None:
    error = refused(issuer, github(event_name=event), GitHubActions("octo-org/app"))
    assert "event_name" in str(error)
    assert verified(issuer, github(event_name=event), GitHubActions("octo-org/app", events={event}))


def test_github_events_given_are_the_only_ones_accepted(issuer: OIDCIssuer) -> None:
    error = refused(
        issuer, github(event_name="push"), GitHubActions("octo-org/app", events=["release"])
    )
    assert "event_name: expected one of 'release', the token has 'push'" in str(error)


def test_github_workflow_is_the_callers_file(issuer: OIDCIssuer) -> None:
    policy = GitHubActions("octo-org/app", workflow="release.yml")
    other = "octo-org/app/.github/workflows/ci.yml@refs/tags/v1.2.0"
    error = refused(issuer, github(workflow_ref=other, job_workflow_ref=other), policy)
    assert "workflow_ref: expected 'octo-org/app/.github/workflows/release.yml@...'" in str(error)


def test_a_reusable_workflow_is_pinned_with_job_workflow(issuer: OIDCIssuer) -> None:
    # release.yml calls the shared publish workflow: the caller is workflow_ref, the reusable
    # workflow job_workflow_ref.
    claims = github(workflow_ref=RELEASE, job_workflow_ref=SHARED)
    shared = GitHubActions(
        "octo-org/app", job_workflow="octo-org/shared/.github/workflows/publish.yml"
    )
    assert verified(issuer, claims, shared)
    pinned = GitHubActions("octo-org/app", job_workflow=SHARED)
    assert verified(issuer, claims, pinned)


def test_a_caller_cannot_pass_for_the_reusable_workflow(issuer: OIDCIssuer) -> None:
    # A workflow of its own named publish.yml, calling nothing: workflow_ref and
    # job_workflow_ref are both the repository's own file, not the shared one.
    own = "octo-org/app/.github/workflows/publish.yml@refs/tags/v1.2.0"
    policy = GitHubActions(
        "octo-org/app", job_workflow="octo-org/shared/.github/workflows/publish.yml"
    )
    error = refused(issuer, github(workflow_ref=own, job_workflow_ref=own), policy)
    assert "job_workflow_ref: expected 'octo-org/shared/.github/workflows/publish.yml@...'" in str(
        error
    )


def test_the_reusable_workflow_cannot_pass_for_the_caller(issuer: OIDCIssuer) -> None:
    # workflow= names the caller: a run that started from another workflow of the repository
    # and calls the expected file as a reusable workflow does not match.
    caller = "octo-org/app/.github/workflows/nightly.yml@refs/heads/main"
    reusable = "octo-org/app/.github/workflows/release.yml@refs/heads/main"
    policy = GitHubActions("octo-org/app", workflow="release.yml")
    error = refused(issuer, github(workflow_ref=caller, job_workflow_ref=reusable), policy)
    assert "workflow_ref" in str(error)


def test_a_pinned_reusable_workflow_ref_must_match(issuer: OIDCIssuer) -> None:
    claims = github(
        job_workflow_ref="octo-org/shared/.github/workflows/publish.yml@refs/heads/evil"
    )
    error = refused(issuer, claims, GitHubActions("octo-org/app", job_workflow=SHARED))
    assert "job_workflow_ref" in str(error)


def test_githubs_immutable_subject_is_understood(issuer: OIDCIssuer) -> None:
    # The form GitHub introduced on 2026-04-23: names with the owner's and repository's ids.
    claims = github(sub="repo:octo-org-654321/app-123456:environment:production")
    assert verified(issuer, claims, GitHubActions("octo-org/app", repository_id=123456))


def test_a_subject_that_names_another_repository_is_refused(issuer: OIDCIssuer) -> None:
    for sub in (
        "repo:mallory/app:ref:refs/heads/main",
        "repo:octo-org-1/app-2:ref:refs/heads/main",
    ):
        error = refused(issuer, github(sub=sub), GitHubActions("octo-org/app"))
        assert "sub: expected 'repo:octo-org/app:'" in str(error)


def test_github_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="owner/repo"):
        GitHubActions("app")
    with pytest.raises(ValueError, match="file name"):
        GitHubActions("o/r", workflow=".github/workflows/release.yml")
    with pytest.raises(ValueError, match="job_workflow"):
        GitHubActions("o/r", job_workflow="release.yml")


# GitLab CI


def test_gitlab_accepts_the_project_and_its_pins(issuer: OIDCIssuer) -> None:
    policy = GitLabCI(
        "Group/App", ci_config_ref_uri="gitlab.com/group/app//.gitlab-ci.yml@refs/tags/v1.2.0",
        ref="v*", environment="production", namespace_id=7, project_id="42",
    )  # fmt: skip
    assert verified(issuer, gitlab(), policy)


@pytest.mark.parametrize(
    ("claim", "value"),
    [("project_path", "mallory/app"), ("ci_config_ref_uri", "gitlab.com/group/app//evil.yml@x"),
     ("ref", "main"), ("environment", "staging"), ("namespace_id", "8"), ("project_id", "43")],
)  # fmt: skip
def test_gitlab_refuses_each_claim(issuer: OIDCIssuer, claim: str, value: str) -> None:
    policy = GitLabCI(
        "group/app", ci_config_ref_uri="gitlab.com/group/app//.gitlab-ci.yml@refs/tags/v1.2.0",
        ref="v*", environment="production", namespace_id=7, project_id=42,
    )  # fmt: skip
    error = refused(issuer, gitlab(**{claim: value}), policy)
    assert [m.claim for m in error.mismatches] == [claim]
    assert f"the token has {value!r}" in str(error)


# Google


def test_google_accepts_a_verified_email(issuer: OIDCIssuer) -> None:
    claims = {"sub": "1", "email": "Release@P.iam.gserviceaccount.com", "email_verified": True}
    assert verified(issuer, claims, Google("release@p.iam.gserviceaccount.com"))


@pytest.mark.parametrize(
    ("claims", "claim"),
    [({"email": "a@p.iam.gserviceaccount.com", "email_verified": False}, "email_verified"),
     ({"email": "a@p.iam.gserviceaccount.com"}, "email_verified"),
     ({"email": "b@p.iam.gserviceaccount.com", "email_verified": True}, "email")],
)  # fmt: skip
def test_google_refusals(issuer: OIDCIssuer, claims: dict[str, Any], claim: str) -> None:
    error = refused(issuer, {"sub": "1", **claims}, Google("a@p.iam.gserviceaccount.com"))
    assert [m.claim for m in error.mismatches] == [claim]


# Claims, combinations, functions


def test_claims_match_exact_values_and_globs(issuer: OIDCIssuer) -> None:
    claims = {"sub": "repo:octo-org/app:ref:refs/tags/v1", "runner_environment": "github-hosted",
              "repository_id": 123, "email_verified": True}  # fmt: skip
    policy = Claims(sub="repo:octo-org/app:ref:refs/tags/*", runner_environment="github-hosted",
                    repository_id="123", email_verified=True)  # fmt: skip
    assert verified(issuer, claims, policy)
    error = refused(issuer, {**claims, "runner_environment": "self-hosted"}, policy)
    assert "runner_environment: expected 'github-hosted', the token has 'self-hosted'" in str(error)


def test_all_of_reports_every_mismatch_and_any_of_each_alternative(issuer: OIDCIssuer) -> None:
    claims = github(environment="staging")
    both = AllOf(GitHubActions("octo-org/app", environment="production"), Claims(actor="octocat"))
    error = refused(issuer, claims, both)
    assert [m.claim for m in error.mismatches] == ["environment", "actor"]
    either = AnyOf(
        GitHubActions("octo-org/app", environment="production"), Claims(ref="refs/heads/*")
    )
    error = refused(issuer, claims, either)
    assert [m.claim for m in error.mismatches] == ["[1] environment", "[2] ref"]
    assert verified(issuer, claims, AnyOf(Claims(ref="nope"), GitHubActions("octo-org/app")))


def test_a_function_is_a_policy(issuer: OIDCIssuer) -> None:
    def not_a_bot(claims: Any) -> bool:
        return not str(claims.get("actor", "")).endswith("[bot]")

    assert verified(issuer, github(actor="octocat"), not_a_bot)
    error = refused(
        issuer, github(actor="dependabot[bot]"), AllOf(GitHubActions("octo-org/app"), not_a_bot)
    )
    assert "policy test_a_function_is_a_policy.<locals>.not_a_bot" in str(error)


def test_a_policy_is_an_abstract_base_with_one_method() -> None:
    class Staff(Policy):
        def mismatches(self, claims: Any) -> list[Any]:
            return []

    assert Staff().mismatches({}) == []


def test_a_hostile_claim_cannot_forge_lines_of_the_error(issuer: OIDCIssuer) -> None:
    error = refused(
        issuer,
        github(environment="x\n::error::forged\x1b[31m"),
        GitHubActions("octo-org/app", environment="production"),
    )
    text = str(error)
    assert "\x1b" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
