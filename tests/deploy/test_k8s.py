"""deploy/k8s: manifests parse, point at real routes and commands, and are locked down."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.helpers import (
    API_PORT,
    ECS,
    IMAGE_PLACEHOLDER,
    K8S,
    METRICS_PORT,
    ROUTES,
    SECRET_NAMES,
    WORKER_ROUTES,
    load_json,
    load_yaml_documents,
    procfile,
)

DOCUMENTS: dict[tuple[str, str], dict[str, Any]] = {}
FILES: dict[str, list[dict[str, Any]]] = {}
for _path in sorted(K8S.glob("*.yaml")):
    FILES[_path.name] = load_yaml_documents(_path)
    for _doc in FILES[_path.name]:
        if _doc.get("kind") != "Kustomization":
            DOCUMENTS[(_doc["kind"], _doc["metadata"]["name"])] = _doc

DEPLOYMENTS = {
    "web": "chatnomina-web",
    "worker": "chatnomina-worker",
    "scheduler": "chatnomina-scheduler",
}
CONFIG_MAP = DOCUMENTS[("ConfigMap", "chatnomina-config")]


def workload(process: str) -> dict[str, Any]:
    if process == "release":
        return DOCUMENTS[("Job", "chatnomina-release")]
    return DOCUMENTS[("Deployment", DEPLOYMENTS[process])]


def pod(process: str) -> dict[str, Any]:
    return workload(process)["spec"]["template"]["spec"]


def main_container(process: str) -> dict[str, Any]:
    (container,) = pod(process)["containers"]
    return container


def env(process: str) -> dict[str, Any]:
    return {item["name"]: item for item in main_container(process).get("env", [])}


def test_every_manifest_has_api_version_kind_name_and_namespace() -> None:
    assert FILES, "no manifests"
    for name, docs in FILES.items():
        assert docs, name
        for doc in docs:
            assert doc.get("apiVersion") and doc.get("kind"), name
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], name
                if doc["kind"] != "Namespace":
                    assert doc["metadata"]["namespace"] == "chatnomina", name


def test_kustomization_lists_every_manifest_but_the_migration_job() -> None:
    (kustomization,) = FILES["kustomization.yaml"]
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["namespace"] == "chatnomina"
    resources = set(kustomization["resources"])
    assert all((K8S / resource).is_file() for resource in resources)
    assert resources == set(FILES) - {"kustomization.yaml", "job-release.yaml"}


def test_current_api_versions() -> None:
    expected = {
        "Deployment": "apps/v1",
        "Job": "batch/v1",
        "Service": "v1",
        "ConfigMap": "v1",
        "Ingress": "networking.k8s.io/v1",
        "HorizontalPodAutoscaler": "autoscaling/v2",
        "PodDisruptionBudget": "policy/v1",
        "Namespace": "v1",
        "ServiceAccount": "v1",
    }
    for (kind, name), doc in DOCUMENTS.items():
        assert doc["apiVersion"] == expected[kind], (kind, name)


@pytest.mark.parametrize("process", ["web", "worker", "scheduler", "release"])
def test_args_are_the_procfile_command_of_the_shared_image(process: str) -> None:
    container = main_container(process)
    assert container["image"] == IMAGE_PLACEHOLDER
    assert container["args"] == procfile()[process]
    assert "command" not in container, "command would replace the image's tini entrypoint"


@pytest.mark.parametrize("process", ["web", "worker", "scheduler", "release"])
def test_pods_are_locked_down(process: str) -> None:
    spec = pod(process)
    security = spec["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    container = main_container(process)
    csc = container["securityContext"]
    assert csc["readOnlyRootFilesystem"] is True
    assert csc["allowPrivilegeEscalation"] is False
    assert csc["capabilities"]["drop"] == ["ALL"]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}} in spec["volumes"]


@pytest.mark.parametrize("process", ["web", "worker", "scheduler", "release"])
def test_resources_have_requests_and_limits(process: str) -> None:
    resources = main_container(process)["resources"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[kind]), kind


@pytest.mark.parametrize("process", ["web", "worker", "scheduler", "release"])
def test_secrets_come_from_secret_key_refs_and_settings_from_the_config_map(process: str) -> None:
    variables = env(process)
    for name in SECRET_NAMES:
        ref = variables[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "chatnomina-secrets" and ref["key"]
    for item in variables.values():
        if item["name"] not in SECRET_NAMES:
            assert (
                "value" in item and "PASSWORD" not in item["name"] and "SECRET" not in item["name"]
            )
    (source,) = main_container(process)["envFrom"]
    assert source["configMapRef"]["name"] == CONFIG_MAP["metadata"]["name"]


def test_config_map_has_the_settings_and_no_secrets() -> None:
    data = CONFIG_MAP["data"]
    assert not (set(data) & SECRET_NAMES)
    assert all(isinstance(value, str) for value in data.values())
    ecs_env = {
        item["name"]
        for item in load_json(ECS / "task-web.json")["containerDefinitions"][0]["environment"]
    }
    per_process = {"OTEL_SERVICE_NAME", "SHUTDOWN_GRACE_SECONDS", "OTEL_RESOURCE_ATTRIBUTES"}
    assert set(data) == ecs_env - per_process
    assert data["API_PORT"] == str(API_PORT) and data["METRICS_PORT"] == str(METRICS_PORT)


def _port(container: dict[str, Any], ref: Any) -> int:
    if isinstance(ref, int):
        return ref
    (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == ref]
    return port


def test_web_probes_liveness_on_health_and_readiness_on_ready() -> None:
    container = main_container("web")
    for probe, path in (
        ("livenessProbe", "/health"),
        ("readinessProbe", "/ready"),
        ("startupProbe", "/health"),
    ):
        get = container[probe]["httpGet"]
        assert get["path"] == path and path in ROUTES
        assert _port(container, get["port"]) == API_PORT


@pytest.mark.parametrize("process", ["worker", "scheduler"])
def test_worker_and_scheduler_probe_health_on_the_metrics_port(process: str) -> None:
    container = main_container(process)
    for probe in ("livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/health" and get["path"] in WORKER_ROUTES
        assert _port(container, get["port"]) == METRICS_PORT


@pytest.mark.parametrize("process", ["web", "worker", "scheduler"])
def test_termination_grace_covers_pre_stop_and_shutdown(process: str) -> None:
    container = main_container(process)
    grace = float(env(process)["SHUTDOWN_GRACE_SECONDS"]["value"])
    pre_stop = 0
    if "lifecycle" in container:
        command = container["lifecycle"]["preStop"]["exec"]["command"]
        assert command[0] == "sleep"
        pre_stop = int(command[1])
    assert pod(process)["terminationGracePeriodSeconds"] >= pre_stop + grace + 5


def test_web_drains_from_the_load_balancer_before_shutting_down() -> None:
    command = main_container("web")["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep" and int(command[1]) >= 5
    strategy = workload("web")["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate" and strategy["rollingUpdate"]["maxUnavailable"] == 0


def test_scheduler_is_a_single_replica_recreated() -> None:
    spec = workload("scheduler")["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "Recreate"}
    targets = [
        d["spec"]["scaleTargetRef"]["name"]
        for (k, _), d in DOCUMENTS.items()
        if k == "HorizontalPodAutoscaler"
    ]
    assert "chatnomina-scheduler" not in targets


def test_release_job_runs_once() -> None:
    job = workload("release")["spec"]
    assert job["backoffLimit"] == 0
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    assert job["activeDeadlineSeconds"] > 0


@pytest.mark.parametrize("process", ["web", "worker", "scheduler"])
def test_selectors_match_pod_labels(process: str) -> None:
    deployment = workload(process)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    port = API_PORT if process == "web" else METRICS_PORT
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("name, minimum", [("chatnomina-web", 2), ("chatnomina-worker", 1)])
def test_hpa_v2_scales_on_cpu(name: str, minimum: int) -> None:
    hpa = DOCUMENTS[("HorizontalPodAutoscaler", name)]["spec"]
    target = hpa["scaleTargetRef"]
    assert target["kind"] == "Deployment" and ("Deployment", target["name"]) in DOCUMENTS
    assert minimum <= hpa["minReplicas"] < hpa["maxReplicas"]
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}


def test_pod_disruption_budgets_select_existing_pods() -> None:
    budgets = [d for (k, _), d in DOCUMENTS.items() if k == "PodDisruptionBudget"]
    assert {b["metadata"]["name"] for b in budgets} == {"chatnomina-web", "chatnomina-worker"}
    for budget in budgets:
        selector = budget["spec"]["selector"]["matchLabels"]
        deployment = DOCUMENTS[("Deployment", budget["metadata"]["name"])]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    web = DOCUMENTS[("PodDisruptionBudget", "chatnomina-web")]["spec"]
    hpa = DOCUMENTS[("HorizontalPodAutoscaler", "chatnomina-web")]["spec"]
    assert web["minAvailable"] < hpa["minReplicas"], "a drain must be able to evict a pod"


def test_service_targets_the_web_container_port() -> None:
    service = DOCUMENTS[("Service", "chatnomina-web")]["spec"]
    web = workload("web")["spec"]["template"]
    assert service["selector"].items() <= web["metadata"]["labels"].items()
    (port,) = service["ports"]
    assert _port(main_container("web"), port["targetPort"]) == API_PORT


def test_ingress_routes_the_api_and_probes_but_not_metrics() -> None:
    ingress = DOCUMENTS[("Ingress", "chatnomina")]["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert ingress["tls"][0]["secretName"]
    (rule,) = ingress["rules"]
    service = DOCUMENTS[("Service", "chatnomina-web")]["spec"]
    paths = {}
    for path in rule["http"]["paths"]:
        backend = path["backend"]["service"]
        assert ("Service", backend["name"]) in DOCUMENTS
        assert backend["port"]["name"] in {p["name"] for p in service["ports"]}
        paths[path["path"]] = path["pathType"]
    assert paths["/api"] == "Prefix"
    assert {p for p in paths if p != "/api"} <= ROUTES
    assert "/metrics" not in paths and "/" not in paths


def test_namespace_enforces_restricted_pod_security() -> None:
    namespace = DOCUMENTS[("Namespace", "chatnomina")]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
