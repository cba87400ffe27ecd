"""The Grafana dashboard queries the metrics the services export, from the data source Grafana is given."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from deploy.check import ROOT
from services.common.metrics import ServiceMetrics

DASHBOARD: dict[str, Any] = json.loads((ROOT / "deploy/grafana/dashboards/leanbus.json").read_text())
EXPRESSIONS = [target["expr"] for panel in DASHBOARD["panels"] for target in panel["targets"]]
METRIC_NAME = re.compile(r"\bleanbus_\w+")


def exported_series() -> dict[str, str]:
    """The series names a service's /metrics shows, by metric family: `_total` for a counter, `_bucket`,
    `_count` and `_sum` for a histogram, the name itself for a gauge."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {
        family.name + suffix: family.name
        for family in ServiceMetrics("algorithm").registry.collect()
        for suffix in suffixes[family.type]
    }


def test_every_metric_a_panel_queries_is_exported() -> None:
    queried = {name for expression in EXPRESSIONS for name in METRIC_NAME.findall(expression)}

    assert queried  # the dashboard is about the services' metrics
    assert queried <= exported_series().keys()


def test_every_exported_metric_family_has_a_panel() -> None:
    queried = {name for expression in EXPRESSIONS for name in METRIC_NAME.findall(expression)}
    series = exported_series()

    assert {series[name] for name in queried} == set(series.values())


def test_the_panels_use_the_provisioned_data_source() -> None:
    provisioning = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    [source] = provisioning["datasources"]

    for panel in DASHBOARD["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": source["uid"]}
        assert all(target["datasource"]["uid"] == source["uid"] for target in panel["targets"])


def test_the_dashboard_provider_loads_the_folder_compose_mounts() -> None:
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/leanbus.yml").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    [entry] = provider["providers"]

    assert (
        f"./deploy/grafana/dashboards:{entry['options']['path']}:ro"
        in compose["services"]["grafana"]["volumes"]
    )
