"""deploy/ecs: task, service, target-group and autoscaling definitions.

Every file is also validated against the AWS API's input shape (botocore's service model),
so a misspelt or misplaced field fails here instead of at `aws ... --cli-input-json`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import botocore.session
import pytest
from botocore.validate import ParamValidator

from tests.deploy.helpers import (
    API_PORT,
    AWS_KEY_NAMES,
    ECS,
    IMAGE_PLACEHOLDER,
    K8S,
    METRICS_PORT,
    PROCESS_TYPES,
    REQUIRED_ENV,
    ROUTES,
    SECRET_NAMES,
    WORKER_ROUTES,
    env_file,
    load_json,
    placeholders,
    procfile,
)

SESSION = botocore.session.get_session()
SERVICES = ("web", "worker", "scheduler")
# Fargate task sizes: CPU units -> allowed memory (MiB).
FARGATE_MEMORY = {
    256: {512, 1024, 2048},
    512: set(range(1024, 4097, 1024)),
    1024: set(range(2048, 8193, 1024)),
    2048: set(range(4096, 16385, 1024)),
    4096: set(range(8192, 30721, 1024)),
}
# Placeholders deploy.sh itself provides; the rest come from environments/<env>.env.
DEPLOY_TIME = {"IMAGE", "VERSION", "AWS_ACCOUNT_ID", "ENVIRONMENT"}


def validate(service: str, operation: str, params: dict[str, Any]) -> None:
    """Fail with botocore's report when params do not fit the operation's input."""
    shape = SESSION.get_service_model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()


def task(role: str) -> dict[str, Any]:
    return load_json(ECS / f"task-{role}.json")


def container(role: str) -> dict[str, Any]:
    definitions = task(role)["containerDefinitions"]
    assert len(definitions) == 1, "one process per task"
    return definitions[0]


def environment(role: str) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container(role).get("environment", [])}


def service(role: str) -> dict[str, Any]:
    return load_json(ECS / f"service-{role}.json")


def test_every_json_file_parses() -> None:
    files = sorted(ECS.rglob("*.json"))
    assert len(files) >= 15
    for path in files:
        json.loads(path.read_text())


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_task_definition_fits_register_task_definition(role: str) -> None:
    validate("ecs", "RegisterTaskDefinition", task(role))


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_task_definition_is_fargate_awsvpc_with_roles_and_a_valid_size(role: str) -> None:
    definition = task(role)
    assert definition["family"] == f"chatnomina-${{ENVIRONMENT}}-{role}"
    assert definition["networkMode"] == "awsvpc"
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    assert definition["executionRoleArn"].startswith("arn:aws:iam::${AWS_ACCOUNT_ID}:role/")
    assert definition["taskRoleArn"].startswith("arn:aws:iam::${AWS_ACCOUNT_ID}:role/")
    cpu, memory = int(definition["cpu"]), int(definition["memory"])
    assert memory in FARGATE_MEMORY[cpu], (cpu, memory)


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_container_runs_the_procfile_command_of_the_shared_image(role: str) -> None:
    spec = container(role)
    assert spec["name"] == role
    assert spec["image"] == IMAGE_PLACEHOLDER
    assert spec["command"] == procfile()[role]
    assert spec["essential"] is True
    assert "entryPoint" not in spec, "keep the image's tini entrypoint"


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_secrets_come_from_ssm_or_secrets_manager_and_never_from_environment(role: str) -> None:
    spec = container(role)
    secrets = {item["name"]: item["valueFrom"] for item in spec["secrets"]}
    assert set(secrets) == SECRET_NAMES
    for name, source in secrets.items():
        assert source.startswith(("arn:aws:ssm:", "arn:aws:secretsmanager:")), name
        assert source.endswith(name) or name.lower().replace("_", "-") in source
    env = environment(role)
    assert not (set(env) & (SECRET_NAMES | AWS_KEY_NAMES))
    for name, value in env.items():
        assert "PASSWORD" not in name and "SECRET" not in name, name
        for secret in SECRET_NAMES | AWS_KEY_NAMES:
            assert secret not in value, (name, value)


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_environment_carries_the_settings(role: str) -> None:
    env = environment(role)
    assert REQUIRED_ENV <= set(env), REQUIRED_ENV - set(env)
    assert env["API_PORT"] == str(API_PORT)
    assert env["METRICS_PORT"] == str(METRICS_PORT)
    assert env["REDIS_TLS"] == "true", "ElastiCache in-transit encryption"
    assert env["OTEL_SERVICE_NAME"] == f"chatnomina-{role}"


def test_all_processes_share_the_same_settings() -> None:
    per_process = {"OTEL_SERVICE_NAME", "SHUTDOWN_GRACE_SECONDS"}
    reference = {k: v for k, v in environment("web").items() if k not in per_process}
    for role in PROCESS_TYPES:
        assert {k: v for k, v in environment(role).items() if k not in per_process} == reference


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_placeholders_are_rendered_by_deploy_sh(role: str) -> None:
    names = placeholders((ECS / f"task-{role}.json").read_text())
    for env_name in ("staging", "production"):
        missing = names - DEPLOY_TIME - set(env_file(env_name))
        assert not missing, f"{env_name}.env lacks {missing}"


def test_environment_files_define_the_same_keys_and_no_secrets() -> None:
    staging, production = env_file("staging"), env_file("production")
    assert set(staging) == set(production)
    assert not (set(staging) & (SECRET_NAMES | AWS_KEY_NAMES))
    assert staging["ECS_CLUSTER"] != production["ECS_CLUSTER"]
    for values in (staging, production):
        assert values["APP_URL"].startswith("https://")


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_logs_go_to_cloudwatch(role: str) -> None:
    logging = container(role)["logConfiguration"]
    assert logging["logDriver"] == "awslogs"
    options = logging["options"]
    assert options["awslogs-group"] == "/ecs/chatnomina-${ENVIRONMENT}"
    assert options["awslogs-region"] == "${AWS_REGION}"
    assert options["awslogs-stream-prefix"] == role


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_read_only_root_with_a_writable_tmp_volume(role: str) -> None:
    spec = container(role)
    assert spec["readonlyRootFilesystem"] is True
    volumes = {volume["name"] for volume in task(role)["volumes"]}
    tmp = [m for m in spec["mountPoints"] if m["containerPath"] == "/tmp"]
    assert tmp and tmp[0]["sourceVolume"] in volumes and tmp[0]["readOnly"] is False
    assert spec["linuxParameters"]["capabilities"]["drop"] == ["ALL"]


@pytest.mark.parametrize("role", PROCESS_TYPES)
def test_stop_timeout_covers_graceful_shutdown(role: str) -> None:
    spec = container(role)
    grace = float(environment(role)["SHUTDOWN_GRACE_SECONDS"])
    assert grace + 5 <= spec["stopTimeout"] <= 120, "Fargate allows at most 120 s"


@pytest.mark.parametrize("role", SERVICES)
def test_health_check_hits_health_on_the_process_port(role: str) -> None:
    spec = container(role)
    command = spec["healthCheck"]["command"]
    assert command[:2] == ["CMD", "chatnomina-healthcheck"]
    url = urlparse(command[2])
    port = API_PORT if role == "web" else METRICS_PORT
    assert url.hostname == "127.0.0.1" and url.port == port and url.path == "/health"
    assert url.path in (ROUTES if role == "web" else WORKER_ROUTES)
    assert [m["containerPort"] for m in spec["portMappings"]] == [port]
    assert spec["healthCheck"]["startPeriod"] >= 10


def test_release_is_one_shot_without_ports_or_health_check() -> None:
    spec = container("release")
    assert "healthCheck" not in spec and "portMappings" not in spec


# --------------------------------------------------------------------------- services


@pytest.mark.parametrize("role", SERVICES)
def test_service_fits_create_service(role: str) -> None:
    validate("ecs", "CreateService", service(role))


@pytest.mark.parametrize("role", SERVICES)
def test_service_runs_its_family_on_fargate_in_private_subnets(role: str) -> None:
    spec = service(role)
    assert spec["serviceName"] == f"chatnomina-{role}"
    assert spec["cluster"] == "${ECS_CLUSTER}"
    assert spec["taskDefinition"] == task(role)["family"]
    assert spec["launchType"] == "FARGATE"
    network = spec["networkConfiguration"]["awsvpcConfiguration"]
    assert network["assignPublicIp"] == "DISABLED"
    assert len(network["subnets"]) >= 2 and network["securityGroups"]


@pytest.mark.parametrize("role", ["web", "worker"])
def test_rolling_deploys_with_circuit_breaker_rollback(role: str) -> None:
    deployment = service(role)["deploymentConfiguration"]
    assert deployment["minimumHealthyPercent"] == 100
    assert deployment["maximumPercent"] == 200
    assert deployment["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service(role)["deploymentController"] == {"type": "ECS"}


def test_scheduler_is_exactly_one_task_never_two() -> None:
    spec = service("scheduler")
    assert spec["desiredCount"] == 1
    deployment = spec["deploymentConfiguration"]
    assert deployment["maximumPercent"] == 100
    assert deployment["minimumHealthyPercent"] == 0
    assert deployment["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert not any(ECS.glob("autoscaling/scheduler*")), "the scheduler never autoscales"


def test_web_is_registered_in_the_target_group_on_its_container_port() -> None:
    spec = service("web")
    (balancer,) = spec["loadBalancers"]
    assert balancer["containerName"] == "web"
    assert balancer["containerPort"] == API_PORT
    assert balancer["containerPort"] in [
        m["containerPort"] for m in container("web")["portMappings"]
    ]
    assert spec["healthCheckGracePeriodSeconds"] >= 30
    assert "loadBalancers" not in service("worker") and "loadBalancers" not in service("scheduler")


# --------------------------------------------------------------------------- ALB


def test_target_group_checks_ready_on_the_api_port() -> None:
    group = load_json(ECS / "alb" / "web-target-group.json")
    validate("elbv2", "CreateTargetGroup", group)
    assert group["HealthCheckPath"] == "/ready"
    assert group["HealthCheckPath"] in ROUTES
    assert group["Port"] == API_PORT and group["TargetType"] == "ip"
    assert group["Protocol"] == "HTTP" and group["Matcher"] == {"HttpCode": "200"}


def test_target_group_drains_before_the_task_is_stopped() -> None:
    attributes = load_json(ECS / "alb" / "web-target-group-attributes.json")
    validate("elbv2", "ModifyTargetGroupAttributes", attributes)
    values = {a["Key"]: a["Value"] for a in attributes["Attributes"]}
    assert 10 <= int(values["deregistration_delay.timeout_seconds"]) <= 60
    assert values["stickiness.enabled"] == "false", "websockets never need sticky sessions"


def test_listener_rule_keeps_metrics_private() -> None:
    rule = load_json(ECS / "alb" / "listener-rule-block-internal.json")
    validate("elbv2", "CreateRule", rule)
    (condition,) = rule["Conditions"]
    assert "/metrics" in condition["PathPatternConfig"]["Values"]
    assert rule["Actions"][0]["Type"] == "fixed-response"


# --------------------------------------------------------------------------- autoscaling


def _policies(role: str) -> list[dict[str, Any]]:
    return [load_json(p) for p in sorted((ECS / "autoscaling").glob(f"{role}-*-policy.json"))]


@pytest.mark.parametrize("role", ["web", "worker"])
def test_scalable_target_fits_and_points_at_the_service(role: str) -> None:
    target = load_json(ECS / "autoscaling" / f"{role}-scalable-target.json")
    validate("application-autoscaling", "RegisterScalableTarget", target)
    assert target["ResourceId"] == f"service/${{ECS_CLUSTER}}/{service(role)['serviceName']}"
    assert target["ScalableDimension"] == "ecs:service:DesiredCount"
    assert 1 <= target["MinCapacity"] <= service(role)["desiredCount"] <= target["MaxCapacity"]
    for policy in _policies(role):
        validate("application-autoscaling", "PutScalingPolicy", policy)
        assert policy["ResourceId"] == target["ResourceId"]
        assert policy["PolicyType"] == "TargetTrackingScaling"


def _tracked(role: str) -> dict[str, float]:
    tracked = {}
    for policy in _policies(role):
        config = policy["TargetTrackingScalingPolicyConfiguration"]
        tracked[config["PredefinedMetricSpecification"]["PredefinedMetricType"]] = config[
            "TargetValue"
        ]
    return tracked


def test_web_scales_on_cpu_and_requests_per_target() -> None:
    tracked = _tracked("web")
    assert tracked["ECSServiceAverageCPUUtilization"] == 70
    assert tracked["ALBRequestCountPerTarget"] > 0
    (requests,) = [
        p
        for p in _policies("web")
        if p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        == "ALBRequestCountPerTarget"
    ]
    label = requests["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert label["ResourceLabel"] == "${ALB_RESOURCE_LABEL}"


def test_worker_scales_on_cpu() -> None:
    assert _tracked("worker") == {"ECSServiceAverageCPUUtilization": 70}


def test_same_image_placeholder_everywhere() -> None:
    images = [container(role)["image"] for role in PROCESS_TYPES]
    for path in K8S.glob("*.yaml"):
        for line in path.read_text().splitlines():
            if line.strip().startswith("image:"):
                images.append(line.split(":", 1)[1].strip())
    assert len(images) >= 8
    assert set(images) == {IMAGE_PLACEHOLDER}
