"""The Prometheus rules shipped in deploy/prometheus/ pass `promtool test rules`, and every
metric they name is one /metrics serves."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    message = "promtool is missing: apt-get install prometheus (scripts/test does, as root)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own files, promtool from PATH
        [promtool(), *args], cwd=RULES, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_rules_file_is_valid():
    result = run("check", "rules", "encompass-rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 7 rules found" in result.stdout


def test_each_alert_fires_when_it_should_and_only_then():
    result = run("test", "rules", "encompass-rules.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_in_the_rules_is_tested_and_documented():
    rules = (RULES / "encompass-rules.yml").read_text()
    tests = (RULES / "encompass-rules.test.yml").read_text()
    operations = (RULES.parents[1] / "docs" / "operations.md").read_text()
    alerts = re.findall(r"- alert: (\w+)", rules)
    assert len(alerts) == 7
    for alert in alerts:
        assert f"alertname: {alert}" in tests, alert
        assert f"### {alert}" in operations, alert


def test_every_metric_the_rules_use_is_served(client):
    rules = (RULES / "encompass-rules.yml").read_text()
    served = client.get("/metrics").get_data(as_text=True)
    names = set(re.findall(r"\b(encompass_\w+)", rules))
    assert names
    for name in names:
        assert re.search(rf"^{name}(\{{| )", served, re.M), name
