"""deploy.sh, rollback.sh, render.sh: arguments, --dry-run plans, real runs against a fake
`aws` (tests/deploy/fake_aws.py) and `curl`, and shellcheck on every script."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.helpers import DEPLOY, ECS, env_file, shellcheck

SCRIPTS = sorted(DEPLOY.glob("*.sh"))
ACCOUNT = "111122223333"

DEPLOY_SEQUENCE = [
    "sts get-caller-identity",
    "ecr describe-images",
    "ecs register-task-definition",
    "ecs register-task-definition",
    "ecs register-task-definition",
    "ecs register-task-definition",
    "ecs describe-services",
    "ecs run-task",
    "ecs wait tasks-stopped",
    "ecs describe-tasks",
    "ecs update-service",
    "ecs update-service",
    "ecs update-service",
    "ecs wait services-stable",
    "ecs describe-services",
]
ROLLBACK_SEQUENCE = [
    "ecs describe-services",
    "ecs list-task-definitions",
    "ecs describe-services",
    "ecs list-task-definitions",
    "ecs describe-services",
    "ecs list-task-definitions",
    "ecs update-service",
    "ecs update-service",
    "ecs update-service",
    "ecs wait services-stable",
    "ecs describe-services",
]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    state: dict[str, Any]
    curls: list[list[str]]

    @property
    def plan(self) -> list[list[str]]:
        """The commands the script printed (lines "+ ...")."""
        return [shlex.split(line[2:]) for line in self.stdout.splitlines() if line.startswith("+ ")]

    @property
    def aws_plan(self) -> list[str]:
        return [_operation(words[1:]) for words in self.plan if words[0] == "aws"]

    @property
    def aws_calls(self) -> list[str]:
        return [_operation(call) for call in self.state["calls"]]

    def calls(self, operation: str) -> list[list[str]]:
        return [call for call in self.state["calls"] if _operation(call) == operation]


def _operation(words: list[str]) -> str:
    """ "ecs update-service" (or "ecs wait services-stable") from an aws argv."""
    size = 3 if words[1] == "wait" else 2
    return " ".join(words[:size])


def _option(call: list[str], name: str) -> str:
    return call[call.index(name) + 1]


def _family(name: str, env: str) -> str:
    return f"chatnomina-{env}-{name}"


def _arn(family: str, revision: int) -> str:
    return f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:{revision}"


def initial_state(env: str, **overrides: Any) -> dict[str, Any]:
    """ECS with every service on revision 42 of its family, 41 and 40 still ACTIVE."""
    state: dict[str, Any] = {
        "account": ACCOUNT,
        "calls": [],
        "registered": [],
        "revisions": {},
        "active": {},
        "images": {},
        "current": {},
        "release_exit": 0,
        "circuit_breaker": False,
        "wait_fails": None,
    }
    for role in ("release", "web", "worker", "scheduler"):
        family = _family(role, env)
        state["revisions"][family] = 42
        state["active"][family] = [_arn(family, r) for r in (42, 41, 40)]
        for revision in (42, 41, 40):
            state["images"][_arn(family, revision)] = f"registry/chatnomina:v1.0.{revision}"
        if role != "release":
            state["current"][f"chatnomina-{role}"] = _arn(family, 42)
    state.update(overrides)
    return state


@pytest.fixture
def run_script(tmp_path: Path):
    """Run a deploy script with fake aws/curl first on PATH and a clean environment."""

    def run(
        script: str,
        *args: str,
        state: dict[str, Any] | None = None,
        curl_status: int = 0,
        extra_env: dict[str, str] | None = None,
    ) -> Run:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        (bin_dir / "aws").write_text(
            f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).with_name("fake_aws.py")}" "$@"\n'
        )
        (bin_dir / "curl").write_text(
            f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{tmp_path}/curl.log"\nexit {curl_status}\n'
        )
        for tool in ("aws", "curl"):
            (bin_dir / tool).chmod(0o755)
        state_file = tmp_path / "aws-state.json"
        state_file.write_text(json.dumps(state or initial_state("staging")))
        work = tmp_path / "tmp"
        work.mkdir(exist_ok=True)
        managed = set(env_file("staging")) | {
            "AWS_ACCOUNT_ID",
            "ECR_REGISTRY",
            "IMAGE",
            "VERSION",
            "ENVIRONMENT",
            "SERVICE_PREFIX",
            "RELEASE_NETWORK_CONFIGURATION",
        }
        environ = {
            k: v for k, v in os.environ.items() if k not in managed and not k.startswith("AWS_")
        }
        environ.update(
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            TMPDIR=str(work),
            FAKE_AWS_STATE=str(state_file),
        )
        environ.update(extra_env or {})
        result = subprocess.run(
            ["bash", str(DEPLOY / script), *args],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            check=False,
        )
        curl_log = tmp_path / "curl.log"
        curls = (
            [line.split() for line in curl_log.read_text().splitlines()]
            if curl_log.exists()
            else []
        )
        if curl_log.exists():
            curl_log.unlink()
        return Run(
            result.returncode,
            result.stdout,
            result.stderr,
            json.loads(state_file.read_text()),
            curls,
        )

    return run


# --------------------------------------------------------------------------- shellcheck


def test_there_are_scripts_to_check() -> None:
    names = {path.name for path in SCRIPTS}
    assert {"deploy.sh", "rollback.sh", "render.sh", "lib.sh", "docker-entrypoint.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_passes(script: Path) -> None:
    result = subprocess.run(
        [shellcheck(), "-x", "--severity=style", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("script", ["deploy.sh", "rollback.sh", "render.sh"])
def test_scripts_are_strict_executable_bash(script: str) -> None:
    path = DEPLOY / script
    assert os.access(path, os.X_OK)
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text


# --------------------------------------------------------------------------- arguments

BAD_DEPLOY_ARGS = [
    [],
    ["staging"],
    ["qa", "v1.2.3"],
    ["production", "latest"],
    ["staging", "v1 2"],
    ["staging", "-v1"],
    ["staging", "v1/2"],
    ["--bogus", "staging", "v1.2.3"],
    ["staging", "v1.2.3", "extra"],
    ["--dry-run", "prod", "v1.2.3"],
]
BAD_ROLLBACK_ARGS = [
    [],
    ["qa"],
    ["production", "abc"],
    ["production", "0"],
    ["production", "-3"],
    ["--from"],
    ["--from", "latest", "staging"],
    ["--nope", "staging"],
    ["staging", "4", "5"],
]


@pytest.mark.parametrize("args", BAD_DEPLOY_ARGS, ids=repr)
def test_deploy_refuses_bad_arguments_in_spanish(run_script, args: list[str]) -> None:
    result = run_script("deploy.sh", *args)
    assert result.returncode != 0
    assert "ERROR:" in result.stderr and "Uso: deploy/deploy.sh" in result.stderr
    assert any(
        word in result.stderr
        for word in ("inválid", "falta", "desconocida", "demasiados", "no se despliega")
    )
    assert result.state["calls"] == [] and result.plan == []


@pytest.mark.parametrize("args", BAD_ROLLBACK_ARGS, ids=repr)
def test_rollback_refuses_bad_arguments_in_spanish(run_script, args: list[str]) -> None:
    result = run_script("rollback.sh", *args)
    assert result.returncode != 0
    assert "ERROR:" in result.stderr and "Uso: deploy/rollback.sh" in result.stderr
    assert result.state["calls"] == [] and result.plan == []


@pytest.mark.parametrize("script", ["deploy.sh", "rollback.sh", "render.sh"])
def test_help_is_spanish(run_script, script: str) -> None:
    result = run_script(script, "--help")
    assert result.returncode == 0 and result.stdout.startswith("Uso: ")


# --------------------------------------------------------------------------- dry runs


def test_deploy_dry_run_prints_the_whole_sequence_and_runs_nothing(run_script) -> None:
    result = run_script("deploy.sh", "--dry-run", "staging", "v1.2.3")
    assert result.returncode == 0, result.stderr
    assert result.state["calls"] == [] and result.curls == [], "dry run must not call aws or curl"
    assert result.aws_plan == DEPLOY_SEQUENCE
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert all(line.startswith("+ ") for line in lines), "stdout is the plan, one command a line"
    registered = [w for w in result.plan if w[:3] == ["aws", "ecs", "register-task-definition"]]
    files = [Path(_option(w, "--cli-input-json").removeprefix("file://")) for w in registered]
    assert [f.name for f in files] == [
        "task-release.json",
        "task-web.json",
        "task-worker.json",
        "task-scheduler.json",
    ]
    for path in files:
        text = path.read_text()
        assert "${" not in text
        definition = json.loads(text)
        image = definition["containerDefinitions"][0]["image"]
        assert image.endswith("/chatnomina:v1.2.3") and ".dkr.ecr.us-east-1.amazonaws.com/" in image
        assert definition["family"].startswith("chatnomina-staging-")
    run_task = next(w for w in result.plan if w[:3] == ["aws", "ecs", "run-task"])
    assert "chatnomina-staging-release" in _option(run_task, "--task-definition")
    updates = [w for w in result.plan if w[:3] == ["aws", "ecs", "update-service"]]
    assert [_option(w, "--service") for w in updates] == [
        "chatnomina-web",
        "chatnomina-worker",
        "chatnomina-scheduler",
    ]
    assert all(_option(w, "--cluster") == "chatnomina-staging" for w in updates)
    curls = [w for w in result.plan if w[0] == "curl"]
    assert [w[-1] for w in curls] == [
        f"{env_file('staging')['APP_URL']}/health",
        f"{env_file('staging')['APP_URL']}/ready",
    ]
    assert result.plan[-2:] == curls
    assert "Despliegue de v1.2.3 en staging completado" in result.stderr


def test_rollback_dry_run_prints_the_whole_sequence(run_script) -> None:
    result = run_script("rollback.sh", "--dry-run", "production")
    assert result.returncode == 0, result.stderr
    assert result.state["calls"] == [] and result.curls == []
    assert result.aws_plan == ROLLBACK_SEQUENCE
    updates = [w for w in result.plan if w[:3] == ["aws", "ecs", "update-service"]]
    for words, role in zip(updates, ("web", "worker", "scheduler")):
        assert _option(words, "--cluster") == "chatnomina-production"
        assert _option(words, "--task-definition").endswith(f"/chatnomina-production-{role}:11")
    curls = [w for w in result.plan if w[0] == "curl"]
    assert [w[-1] for w in curls] == [
        "https://api.chatnomina.com/health",
        "https://api.chatnomina.com/ready",
    ]


def test_environment_variables_override_the_environment_file(run_script) -> None:
    result = run_script(
        "deploy.sh",
        "--dry-run",
        "production",
        "v2.0.0",
        extra_env={
            "ECS_CLUSTER": "other",
            "AWS_ACCOUNT_ID": "999988887777",
            "APP_URL": "https://example.test/",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.aws_plan == DEPLOY_SEQUENCE[1:], "no sts call when the account is given"
    assert all(_option(w, "--cluster") == "other" for w in result.plan if "--cluster" in w)
    assert [w[-1] for w in result.plan if w[0] == "curl"] == [
        "https://example.test/health",
        "https://example.test/ready",
    ]


# --------------------------------------------------------------------------- real runs


def test_deploy_runs_what_it_plans_and_points_services_at_the_new_revisions(run_script) -> None:
    result = run_script("deploy.sh", "staging", "v1.2.3")
    assert result.returncode == 0, result.stderr
    assert result.aws_calls == DEPLOY_SEQUENCE
    assert [call for call in (w[1:] for w in result.plan if w[0] == "aws")] == result.state["calls"]
    families = [d["family"] for d in result.state["registered"]]
    assert families == [_family(r, "staging") for r in ("release", "web", "worker", "scheduler")]
    assert {d["containerDefinitions"][0]["image"] for d in result.state["registered"]} == {
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/chatnomina:v1.2.3"
    }
    (run_task,) = result.calls("ecs run-task")
    assert _option(run_task, "--task-definition") == _arn(_family("release", "staging"), 43)
    assert json.loads(_option(run_task, "--network-configuration"))["awsvpcConfiguration"][
        "subnets"
    ] == ["subnet-1"]
    assert result.state["current"] == {
        f"chatnomina-{r}": _arn(_family(r, "staging"), 43) for r in ("web", "worker", "scheduler")
    }
    assert [c[-1] for c in result.curls] == [
        f"{env_file('staging')['APP_URL']}/health",
        f"{env_file('staging')['APP_URL']}/ready",
    ]
    assert not result.calls("ecs deregister-task-definition")


def test_failed_migrations_stop_the_deploy_before_the_services(run_script) -> None:
    result = run_script(
        "deploy.sh", "staging", "v1.2.3", state=initial_state("staging", release_exit=3)
    )
    assert result.returncode != 0
    assert "las migraciones fallaron" in result.stderr and "código de salida: 3" in result.stderr
    assert not result.calls("ecs update-service") and result.curls == []
    deregistered = [
        _option(c, "--task-definition") for c in result.calls("ecs deregister-task-definition")
    ]
    assert deregistered == [
        _arn(_family(r, "staging"), 43) for r in ("release", "web", "worker", "scheduler")
    ]
    assert result.state["current"]["chatnomina-web"] == _arn(_family("web", "staging"), 42)


def test_circuit_breaker_rollback_fails_the_deploy(run_script) -> None:
    result = run_script(
        "deploy.sh", "production", "v1.2.3", state=initial_state("production", circuit_breaker=True)
    )
    assert result.returncode != 0
    assert "circuit breaker" in result.stderr
    assert len(result.calls("ecs deregister-task-definition")) == 4
    assert result.curls == []


def test_services_that_never_stabilise_fail_the_deploy(run_script) -> None:
    result = run_script(
        "deploy.sh",
        "staging",
        "v1.2.3",
        state=initial_state("staging", wait_fails="services-stable"),
    )
    assert result.returncode != 0
    assert "no se estabilizaron" in result.stderr and "deploy/rollback.sh staging" in result.stderr


def test_failed_smoke_test_fails_the_deploy(run_script) -> None:
    result = run_script("deploy.sh", "staging", "v1.2.3", curl_status=22)
    assert result.returncode != 0
    assert "prueba de humo" in result.stderr and "/health" in result.stderr


def test_rollback_goes_to_the_previous_active_revision(run_script) -> None:
    state = initial_state("production")
    # worker:41 was deregistered (a failed deploy): its previous ACTIVE revision is 40.
    state["active"][_family("worker", "production")].remove(
        _arn(_family("worker", "production"), 41)
    )
    result = run_script("rollback.sh", "production", state=state)
    assert result.returncode == 0, result.stderr
    assert result.aws_calls == ROLLBACK_SEQUENCE
    assert result.state["current"] == {
        "chatnomina-web": _arn(_family("web", "production"), 41),
        "chatnomina-worker": _arn(_family("worker", "production"), 40),
        "chatnomina-scheduler": _arn(_family("scheduler", "production"), 41),
    }
    assert [c[-1] for c in result.curls] == [
        "https://api.chatnomina.com/health",
        "https://api.chatnomina.com/ready",
    ]


def test_rollback_to_a_given_revision(run_script) -> None:
    result = run_script("rollback.sh", "staging", "40", state=initial_state("staging"))
    assert result.returncode == 0, result.stderr
    assert set(result.state["current"].values()) == {
        _arn(_family(r, "staging"), 40) for r in ("web", "worker", "scheduler")
    }


def test_rollback_to_a_missing_revision_changes_nothing(run_script) -> None:
    result = run_script("rollback.sh", "staging", "7", state=initial_state("staging"))
    assert result.returncode != 0
    assert not result.calls("ecs update-service")


def test_rollback_from_a_version_only_touches_services_running_it(run_script) -> None:
    state = initial_state("staging")
    for role in ("web", "scheduler"):
        state["images"][_arn(_family(role, "staging"), 42)] = "registry/chatnomina:abc123"
    result = run_script("rollback.sh", "--from", "abc123", "staging", state=state)
    assert result.returncode == 0, result.stderr
    updated = [_option(c, "--service") for c in result.calls("ecs update-service")]
    assert updated == ["chatnomina-web", "chatnomina-scheduler"]
    assert result.state["current"]["chatnomina-worker"] == _arn(_family("worker", "staging"), 42)
    (wait,) = result.calls("ecs wait services-stable")
    assert wait[wait.index("--services") + 1 :] == ["chatnomina-web", "chatnomina-scheduler"]


def test_rollback_from_a_version_nobody_runs_does_nothing(run_script) -> None:
    result = run_script(
        "rollback.sh", "--from", "deadbeef", "staging", state=initial_state("staging")
    )
    assert result.returncode == 0, result.stderr
    assert not result.calls("ecs update-service") and result.curls == []
    assert "No hay servicios que revertir" in result.stderr


# --------------------------------------------------------------------------- render.sh


def test_render_fills_a_service_definition(run_script) -> None:
    extra = {
        "AWS_ACCOUNT_ID": ACCOUNT,
        "PRIVATE_SUBNET_1": "subnet-a",
        "PRIVATE_SUBNET_2": "subnet-b",
        "WEB_SECURITY_GROUP": "sg-web",
        "WEB_TARGET_GROUP_ARN": "arn:aws:elasticloadbalancing:tg",
    }
    result = run_script("render.sh", "staging", str(ECS / "service-web.json"), extra_env=extra)
    assert result.returncode == 0, result.stderr
    service = json.loads(result.stdout)
    assert service["cluster"] == "chatnomina-staging"
    assert service["taskDefinition"] == "chatnomina-staging-web"
    assert service["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [
        "subnet-a",
        "subnet-b",
    ]


def test_render_fills_a_task_definition_with_the_version(run_script) -> None:
    result = run_script(
        "render.sh",
        "production",
        str(ECS / "task-worker.json"),
        "v3.1.0",
        extra_env={"AWS_ACCOUNT_ID": ACCOUNT},
    )
    assert result.returncode == 0, result.stderr
    assert "${" not in result.stdout
    definition = json.loads(result.stdout)
    assert definition["containerDefinitions"][0]["image"] == (
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/chatnomina:v3.1.0"
    )


def test_render_names_the_missing_variable(run_script) -> None:
    result = run_script("render.sh", "staging", str(ECS / "service-web.json"))
    assert result.returncode != 0
    assert "falta la variable PRIVATE_SUBNET_1" in result.stderr


def test_render_refuses_values_that_would_break_the_json(run_script) -> None:
    result = run_script(
        "render.sh",
        "staging",
        str(ECS / "task-web.json"),
        "v1",
        extra_env={"AWS_ACCOUNT_ID": ACCOUNT, "CORS_ORIGINS": 'https://a.test", "x": "y'},
    )
    assert result.returncode != 0
    assert "CORS_ORIGINS" in result.stderr
