"""The CI/CD workflow follows the guide's pipeline and calls scripts that exist."""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from tests.deploy.helpers import ROOT

WORKFLOW: dict[Any, Any] = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "ci-cd.yml").read_text()
)
JOBS: dict[str, Any] = WORKFLOW["jobs"]
TEXT = (ROOT / ".github" / "workflows" / "ci-cd.yml").read_text()


def needs(job: str) -> set[str]:
    value = JOBS[job].get("needs", [])
    return {value} if isinstance(value, str) else set(value)


def ancestors(job: str) -> set[str]:
    found: set[str] = set()
    for parent in needs(job):
        found |= {parent} | ancestors(parent)
    return found


def runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in JOBS[job]["steps"])


def uses(job: str) -> list[str]:
    return [step["uses"] for step in JOBS[job].get("steps", []) if "uses" in step]


def test_triggers_on_main_and_pull_requests() -> None:
    triggers: dict[str, Any] = WORKFLOW.get("on") or WORKFLOW[True]  # PyYAML: `on` is True
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    assert WORKFLOW["permissions"] == {"contents": "read"}


def test_pipeline_order_is_the_guide_s() -> None:
    assert needs("image") == {"test"}
    assert "image" in needs("deploy-staging")
    assert needs("smoke-staging") == {"deploy-staging"}
    assert {"test", "image", "deploy-staging", "smoke-staging"} <= ancestors("deploy-production")
    assert {"deploy-staging", "smoke-staging"} <= needs("rollback-staging")


def test_tests_run_make_test_against_postgres_16_and_redis_7() -> None:
    services = JOBS["test"]["services"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "--health-cmd" in services["postgres"]["options"]
    assert "--health-cmd" in services["redis"]["options"]
    assert re.search(r"^make test$", runs("test"), re.MULTILINE)
    assert "apt-get install" in runs("test") and "prometheus" in runs("test"), (
        "promtool for tests/deploy"
    )
    env = JOBS["test"]["env"]
    assert env["DB_HOST"] == "localhost" and env["REDIS_HOST"] == "localhost"


def test_image_is_built_scanned_then_pushed_with_oidc() -> None:
    steps = JOBS["image"]["steps"]
    names = [step.get("name", step.get("uses", "")) for step in steps]
    build = next(
        i
        for i, s in enumerate(steps)
        if str(s.get("uses", "")).startswith("docker/build-push-action")
    )
    scan = next(
        i
        for i, s in enumerate(steps)
        if str(s.get("uses", "")).startswith("aquasecurity/trivy-action")
        and s["with"].get("image-ref")
    )
    push = next(i for i, s in enumerate(steps) if "docker push" in s.get("run", ""))
    assert build < scan < push, names
    assert steps[build]["with"]["push"] is False and steps[build]["with"]["load"] is True
    trivy = steps[scan]["with"]
    assert trivy["exit-code"] == "1" and "CRITICAL" in trivy["severity"]
    assert JOBS["image"]["permissions"]["id-token"] == "write"
    assert any(u.startswith("aws-actions/configure-aws-credentials") for u in uses("image"))
    assert any(u.startswith("aws-actions/amazon-ecr-login") for u in uses("image"))
    assert "github.ref == 'refs/heads/main'" in steps[push]["if"]


def test_no_long_lived_aws_keys() -> None:
    assert "aws-access-key-id" not in TEXT and "AWS_SECRET_ACCESS_KEY" not in TEXT
    for job in ("image", "deploy-staging", "deploy-production", "rollback-staging"):
        for step in JOBS[job]["steps"]:
            if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials"):
                assert "role-to-assume" in step["with"]
        assert JOBS[job]["permissions"]["id-token"] == "write"


def test_deploys_call_the_repository_scripts() -> None:
    assert re.search(r"deploy/deploy\.sh staging \"\$IMAGE_TAG\"", runs("deploy-staging"))
    assert re.search(r"deploy/deploy\.sh production \"\$IMAGE_TAG\"", runs("deploy-production"))
    assert re.search(
        r"deploy/rollback\.sh --from \"\$IMAGE_TAG\" staging", runs("rollback-staging")
    )
    assert WORKFLOW["env"]["IMAGE_TAG"] == "${{ github.sha }}"
    for script in ("deploy/deploy.sh", "deploy/rollback.sh"):
        assert os.access(ROOT / script, os.X_OK)


def test_production_waits_for_approval_and_rollback_only_follows_a_failed_deploy() -> None:
    assert JOBS["deploy-production"]["environment"]["name"] == "production"
    assert JOBS["deploy-staging"]["environment"]["name"] == "staging"
    condition = JOBS["rollback-staging"]["if"]
    assert "needs.deploy-staging.result == 'failure'" in condition
    assert "needs.smoke-staging.result == 'failure'" in condition
    for job in ("deploy-staging", "deploy-production", "rollback-staging"):
        assert JOBS[job]["concurrency"]["cancel-in-progress"] is False, (
            "never cancel a deploy midway"
        )
        assert JOBS[job].get("if", "") or ancestors(job) >= {"image"}


def test_smoke_tests_check_health_and_ready() -> None:
    script = runs("smoke-staging")
    for path in ("/health", "/ready", "/api/v1/health"):
        assert f'"$BASE_URL{path}"' in script
