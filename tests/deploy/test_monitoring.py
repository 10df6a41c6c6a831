"""deploy/monitoring: alert rules (promtool), the Grafana dashboard and the scrape config.

promtool is required: found on PATH or installed with apt-get (see helpers.promtool); a
machine without it fails these tests instead of skipping them.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
import yaml

from tests.deploy.helpers import (
    API_PORT,
    METRICS_PORT,
    MONITORING,
    exposed_metric_names,
    metric_is_known,
    promql_metric_names,
    promtool,
)

ALERTS: dict[str, Any] = yaml.safe_load((MONITORING / "alerts.yml").read_text())
RULES = {rule["alert"]: rule for group in ALERTS["groups"] for rule in group["rules"]}
DASHBOARD: dict[str, Any] = json.loads((MONITORING / "grafana-dashboard.json").read_text())
PROMETHEUS: dict[str, Any] = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
EXPOSED = exposed_metric_names()
SPANISH = re.compile(r"\b(de|del|la|las|el|los|en|por|no|hay|se|una?|desde)\b")
ENGLISH = re.compile(r"\b(the|is|are|of|for|has|than|errors?|requests?)\b")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=MONITORING,
        check=False,
    )


@pytest.mark.timeout(1800)
def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(RULES)} rules found" in result.stdout


@pytest.mark.timeout(1800)
def test_promtool_unit_tests_of_the_alerts() -> None:
    result = _promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(1800)
def test_promtool_check_config() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_guide_s_alerts_and_the_operational_ones_exist() -> None:
    expected = {
        "ChatNominaHighErrorRate",
        "ChatNominaHighLatencyP95",
        "ChatNominaHighCPU",
        "ChatNominaHighMemory",
        "ChatNominaHighDisk",
        "ChatNominaHTTP5xxBurst",
        "ChatNominaHTTP4xxBurst",
        "ChatNominaDependencyDown",
        "ChatNominaJobFailures",
        "ChatNominaSlowWebsocketConsumers",
    }
    assert expected <= set(RULES), expected - set(RULES)


def _expr(name: str) -> str:
    return " ".join(RULES[name]["expr"].split())


def test_thresholds_follow_the_guide() -> None:
    error = _expr("ChatNominaHighErrorRate")
    assert 'status=~"5.."' in error and "[5m]" in error and ") > 0.01" in error
    latency = _expr("ChatNominaHighLatencyP95")
    assert (
        "histogram_quantile(0.95" in latency
        and "chatnomina_http_request_duration_seconds_bucket" in latency
    )
    assert ") > 0.2" in latency and "/api/v1/chat/ws" in latency, (
        "websocket sessions are not latency"
    )
    for name, metric in (
        ("ChatNominaHighCPU", "chatnomina_cpu_usage_ratio"),
        ("ChatNominaHighMemory", "chatnomina_memory_usage_ratio"),
        ("ChatNominaHighDisk", "chatnomina_disk_usage_ratio"),
    ):
        assert _expr(name) == f"{metric} > 0.8"
    assert 'status=~"5.."' in _expr("ChatNominaHTTP5xxBurst")
    assert 'status=~"4.."' in _expr("ChatNominaHTTP4xxBurst")
    assert _expr("ChatNominaDependencyDown").endswith("(chatnomina_dependency_up) == 0")
    assert 'outcome="failure"' in _expr("ChatNominaJobFailures")
    assert "chatnomina_chat_slow_consumers_closed_total" in _expr(
        "ChatNominaSlowWebsocketConsumers"
    )


def test_ready_is_not_counted_as_an_api_error() -> None:
    for name in ("ChatNominaHighErrorRate", "ChatNominaHTTP5xxBurst", "ChatNominaHTTP4xxBurst"):
        for selector in re.findall(r"chatnomina_http_requests_total\{([^}]*)\}", _expr(name)):
            assert 'route!~"/health|/ready|/metrics"' in selector, (name, selector)


@pytest.mark.parametrize("name", sorted(RULES))
def test_alert_has_severity_and_spanish_annotations_with_a_runbook(name: str) -> None:
    rule = RULES[name]
    assert name.startswith("ChatNomina")
    assert rule["labels"]["severity"] in ("critical", "warning")
    annotations = rule["annotations"]
    assert set(annotations) == {"summary", "description", "runbook"}
    assert annotations["runbook"] == f"README.md#{name.lower()}"
    assert annotations["summary"].strip() and annotations["description"].strip()
    text = f"{annotations['summary']} {annotations['description']}".lower()
    assert len(SPANISH.findall(text)) >= 2, text
    assert not ENGLISH.search(text), text


def test_alert_metric_names_exist_in_the_exposition() -> None:
    used: set[str] = set()
    for rule in RULES.values():
        used |= promql_metric_names(rule["expr"])
    # The extractor must see the metrics, or this check would pass on nothing.
    assert {
        "chatnomina_http_requests_total",
        "chatnomina_http_request_duration_seconds_bucket",
        "chatnomina_dependency_up",
        "chatnomina_jobs_total",
        "chatnomina_cpu_usage_ratio",
    } <= used
    unknown = {name for name in used if not metric_is_known(name, EXPOSED)}
    assert not unknown, f"metrics missing from chatnomina/metrics.py: {sorted(unknown)}"


def _panels() -> list[dict[str, Any]]:
    return [panel for panel in DASHBOARD["panels"] if panel["type"] != "row"]


def _dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in _panels() for target in panel["targets"]]


def test_dashboard_structure() -> None:
    assert DASHBOARD["uid"] and DASHBOARD["title"] == "ChatNomina"
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"]: v for v in DASHBOARD["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    for panel in _panels():
        assert panel["title"] and panel["targets"], panel["title"]
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"])
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert panel["datasource"]["uid"] == "${datasource}"


def test_dashboard_covers_every_area() -> None:
    used: set[str] = set()
    for expr in _dashboard_exprs():
        used |= promql_metric_names(expr)
    required = {
        "chatnomina_http_requests_total",
        "chatnomina_http_request_duration_seconds_bucket",
        "chatnomina_websockets_open",
        "chatnomina_chat_messages_published_total",
        "chatnomina_chat_messages_delivered_total",
        "chatnomina_chat_delivery_latency_seconds_bucket",
        "chatnomina_db_pool_connections",
        "chatnomina_redis_latency_seconds_bucket",
        "chatnomina_jobs_total",
        "chatnomina_job_duration_seconds_bucket",
        "chatnomina_payroll_run_progress_ratio",
        "chatnomina_cpu_usage_ratio",
        "chatnomina_memory_usage_ratio",
        "chatnomina_disk_usage_ratio",
    }
    assert required <= used, required - used
    latency = [
        e for e in _dashboard_exprs() if "chatnomina_http_request_duration_seconds_bucket" in e
    ]
    for quantile in ("0.5", "0.95", "0.99"):
        assert any(f"histogram_quantile({quantile}, sum by (le, route)" in e for e in latency), (
            quantile
        )
    assert any('outcome="failure"' in e for e in _dashboard_exprs())


def test_dashboard_metric_names_exist_in_the_exposition() -> None:
    unknown = {
        name
        for expr in _dashboard_exprs()
        for name in promql_metric_names(expr)
        if not metric_is_known(name, EXPOSED)
    }
    assert not unknown, f"metrics missing from chatnomina/metrics.py: {sorted(unknown)}"


def test_scrape_config_covers_web_worker_and_scheduler() -> None:
    jobs = {job["job_name"]: job for job in PROMETHEUS["scrape_configs"]}
    expected = {
        "chatnomina-web": API_PORT,
        "chatnomina-worker": METRICS_PORT,
        "chatnomina-scheduler": METRICS_PORT,
    }
    assert set(jobs) == set(expected)
    for name, port in expected.items():
        assert jobs[name]["metrics_path"] == "/metrics"
        (static,) = jobs[name]["static_configs"]
        assert all(target.endswith(f":{port}") for target in static["targets"])
    assert PROMETHEUS["rule_files"] == ["alerts.yml"]
    jobs_in_alerts = set(
        re.findall(r'job=~?"(chatnomina-[a-z.*-]+)"', (MONITORING / "alerts.yml").read_text())
    )
    assert jobs_in_alerts <= set(expected) | {"chatnomina-.*"}
