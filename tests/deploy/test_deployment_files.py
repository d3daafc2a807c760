"""The deployment files, checked by the linters and schemas operators would run on them.

None of them can be built or applied here (no image can be pulled, no cluster runs), so what
can be checked offline is: hadolint on the Dockerfile, the Kubernetes manifests against the
Kubernetes API's JSON schemas in strict mode (kubernetes-validate bundles them), compose.yaml
against the compose-spec schema (bundled by check-jsonschema), and HAProxy's own `-c` on its
config. Then what no schema knows: the numbers and names that must agree between files (the
drain fits in the kill timeout, selectors select, ports match, the probes ask the right path).
test_rolling_restart.py runs the same topology as processes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
KUBERNETES = ROOT / "deploy" / "kubernetes"
COMPOSE = ROOT / "compose.yaml"
HAPROXY_CFG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
HAPROXY = "/usr/sbin/haproxy"  # Debian's package, which scripts/test installs
TIMEOUT = 60

# Every gateway env setting the deployments must give, whatever else they set.
REQUIRED_ENV = {"GATEWAY_REDIS_URL", "GATEWAY_UPSTREAM_URL", "GATEWAY_METRICS_PORT"}
# The gateway's defaults, for a deployment that leaves them unset.
DEFAULT_DELAY_SECONDS = 5.0
DEFAULT_GRACE_SECONDS = 30.0


def venv_tool(name: str) -> str:
    """A console script of the test extra, next to this interpreter (no PATH needed)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed: `pip install -e '.[test]'` (scripts/test) installs it"
    return found


def run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def manifests() -> dict[tuple[str, str], dict[str, Any]]:
    """Every resource under deploy/kubernetes, by (kind, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for doc in documents(path):
            key = (doc["kind"], doc["metadata"]["name"])
            assert key not in found, f"{key} defined twice"
            found[key] = doc
    return found


def drain_seconds(env: dict[str, str]) -> float:
    """The longest a gateway with this env takes from SIGTERM to its exit."""
    delay = float(env.get("GATEWAY_SHUTDOWN_DELAY_SECONDS", DEFAULT_DELAY_SECONDS))
    grace = float(env.get("GATEWAY_SHUTDOWN_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))
    return delay + grace


# --- Dockerfile ---------------------------------------------------------------------------


def test_the_dockerfile_has_no_hadolint_finding(tmp_path: Path) -> None:
    # A config of our own, so that no .hadolint.yaml of the machine's can relax the rules,
    # and no inline `# hadolint ignore=` either: every finding, down to style, fails.
    config = tmp_path / "hadolint.yaml"
    config.write_text("failure-threshold: style\n", encoding="utf-8")
    result = run(
        venv_tool("hadolint"),
        "--config",
        str(config),
        "--disable-ignore-pragma",
        "--no-color",
        "--format",
        "json",
        str(DOCKERFILE),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == [], result.stdout


def final_stage(dockerfile: str) -> list[str]:
    """The instructions of the last stage, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(instructions) if line.upper().startswith("FROM "))
    return instructions[last_from:]


def test_the_image_is_small_runs_as_non_root_and_checks_its_health() -> None:
    stage = final_stage(DOCKERFILE.read_text(encoding="utf-8"))
    base = stage[0].split()[1]
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", base), base
    (user,) = [line.split()[1] for line in stage if line.startswith("USER ")]
    # Numeric, so that Kubernetes' runAsNonRoot can verify it; not root's.
    uid = user.split(":")[0]
    assert uid.isdigit(), user
    assert int(uid) != 0, user
    (healthcheck,) = [line for line in stage if line.startswith("HEALTHCHECK ")]
    assert "/healthz" in healthcheck, healthcheck
    assert "urllib" in healthcheck, healthcheck  # slim has no curl
    assert "EXPOSE 8000" in stage
    assert any(line.startswith("ENTRYPOINT [") for line in stage), "exec form: PID 1 gets SIGTERM"
    pod_user = manifests()["Deployment", "invoice-gateway"]["spec"]["template"]["spec"][
        "securityContext"
    ]["runAsUser"]
    assert pod_user == int(uid)


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    assert "*" in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    copied = [
        source
        for line in dockerfile.splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    ]
    assert copied
    for source in copied:
        assert source in allowed, f"{source} is copied but .dockerignore keeps it out"
        assert (ROOT / source).exists(), source
    # pyproject.toml's readme is part of the package's metadata: the build needs it.
    assert {"pyproject.toml", "README.md", "gateway", "upstream_sandbox"} <= set(copied)


# --- Kubernetes ---------------------------------------------------------------------------


def test_the_kubernetes_manifests_match_the_kubernetes_schemas() -> None:
    files = sorted(str(path) for path in KUBERNETES.glob("*.yaml"))
    assert files
    # --strict: a misspelt field (`readinesProbe`) is an error, not silently ignored.
    result = run(venv_tool("kubernetes-validate"), "--strict", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert not re.search(r"^(WARN|ERROR)", output, re.MULTILINE), output
    assert output.count(" passed for resource ") == sum(len(documents(Path(f))) for f in files)


def gateway_deployment() -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The gateway's Deployment, its container, and that container's literal env values."""
    deployment = manifests()["Deployment", "invoice-gateway"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item.get("value", "") for item in container["env"]}
    return deployment, container, env


def test_the_gateway_deployment_probes_drains_and_is_locked_down() -> None:
    deployment, container, env = gateway_deployment()
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    assert spec["replicas"] >= 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= container["resources"][kind].keys()
    assert env.keys() >= REQUIRED_ENV
    # The kubelet's SIGKILL comes only after the drain delay and the grace for requests.
    assert pod["terminationGracePeriodSeconds"] > drain_seconds(env)
    secrets = [
        item["valueFrom"]["secretKeyRef"]
        for item in container["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
    ]
    assert {ref["name"] for ref in secrets} == {"invoice-gateway"}
    assert {"GATEWAY_UPSTREAM_TOKEN", "GATEWAY_WEBHOOK_SECRET", "GATEWAY_METRICS_TOKEN"} <= {
        item["name"] for item in container["env"] if "valueFrom" in item
    }
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    annotations = spec["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == ports["metrics"]
    assert int(env["GATEWAY_METRICS_PORT"]) == ports["metrics"]
    assert ports["http"] == 8000


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def test_service_budget_and_autoscaler_point_at_the_gateway_pods() -> None:
    resources = manifests()
    deployment, container, _ = gateway_deployment()
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selects(deployment["spec"]["selector"]["matchLabels"], pod_labels)

    service = resources["Service", "invoice-gateway"]
    assert selects(service["spec"]["selector"], pod_labels)
    port_names = {port["name"] for port in container["ports"]}
    assert {port["targetPort"] for port in service["spec"]["ports"]} <= port_names

    budget = resources["PodDisruptionBudget", "invoice-gateway"]
    assert budget["apiVersion"] == "policy/v1"
    assert selects(budget["spec"]["selector"]["matchLabels"], pod_labels)
    # One pod may go at a time, and one is always left.
    assert 1 <= budget["spec"]["minAvailable"] < deployment["spec"]["replicas"]

    autoscaler = resources["HorizontalPodAutoscaler", "invoice-gateway"]
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    target = autoscaler["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "invoice-gateway")
    assert autoscaler["spec"]["minReplicas"] >= 2
    assert autoscaler["spec"]["minReplicas"] > budget["spec"]["minAvailable"]


def test_redis_is_deployed_where_the_gateway_looks_for_it() -> None:
    resources = manifests()
    _, _, env = gateway_deployment()
    redis_url = urlsplit(env["GATEWAY_REDIS_URL"])
    assert redis_url.scheme == "redis"
    service = resources["Service", redis_url.hostname or ""]
    assert redis_url.port in {port["port"] for port in service["spec"]["ports"]}
    workloads = [
        doc
        for (kind, _), doc in resources.items()
        if kind in ("Deployment", "StatefulSet")
        and selects(service["spec"]["selector"], doc["spec"]["template"]["metadata"]["labels"])
    ]
    (redis,) = workloads
    (container,) = redis["spec"]["template"]["spec"]["containers"]
    assert container["image"].startswith("redis:")
    assert {"requests", "limits"} <= container["resources"].keys()


# --- compose ------------------------------------------------------------------------------


def test_compose_matches_the_compose_spec() -> None:
    result = run(
        venv_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def seconds(duration: str) -> float:
    """A compose duration such as `45s` or `1m30s`."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(float(number) * units[unit] for number, unit in parts)


def test_compose_runs_two_gateways_on_one_redis_behind_haproxy() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"gateway-1", "gateway-2", "haproxy", "redis", "sandbox"} <= services.keys()
    for name in ("gateway-1", "gateway-2"):
        gateway = services[name]
        assert (ROOT / gateway["build"] / "Dockerfile").is_file()
        env = gateway["environment"]
        assert env.keys() >= REQUIRED_ENV
        assert urlsplit(env["GATEWAY_REDIS_URL"]).hostname == "redis"
        assert seconds(gateway["stop_grace_period"]) > drain_seconds(env)
        assert gateway["depends_on"]["redis"]["condition"] == "service_healthy"

    haproxy = services["haproxy"]
    assert haproxy["image"].startswith("haproxy:2.6")  # the branch Debian 12 has, and tests
    # The very file the rolling-restart test runs, where the official image reads its config.
    mounts = {(ROOT / v.split(":")[0]).resolve(): v.split(":")[1] for v in haproxy["volumes"]}
    assert mounts[HAPROXY_CFG] == "/usr/local/etc/haproxy/haproxy.cfg"
    backends = {haproxy["environment"]["GATEWAY_1"], haproxy["environment"]["GATEWAY_2"]}
    assert backends == {"gateway-1:8000", "gateway-2:8000"}


# --- HAProxy ------------------------------------------------------------------------------


def test_the_haproxy_config_is_valid_without_warnings() -> None:
    assert Path(HAPROXY).is_file(), "haproxy is not installed: scripts/test installs it"
    env = {
        "PATH": "/usr/bin:/bin",
        "HAPROXY_LISTEN": "127.0.0.1:18000",
        "HAPROXY_STATS": "127.0.0.1:18404",
        "GATEWAY_1": "127.0.0.1:18001",
        "GATEWAY_2": "127.0.0.1:18002",
    }
    result = run(HAPROXY, "-c", "-f", str(HAPROXY_CFG), env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert "ALERT" not in output, output


@pytest.mark.parametrize("variable", ["HAPROXY_LISTEN", "HAPROXY_STATS", "GATEWAY_1", "GATEWAY_2"])
def test_the_haproxy_config_takes_only_addresses_from_the_environment(variable: str) -> None:
    # The test's topology and compose's differ only in these: each is used, and quoted.
    text = HAPROXY_CFG.read_text(encoding="utf-8")
    assert f'"${{{variable}}}"' in text
    assert set(re.findall(r"\$\{(\w+)\}", text)) == {
        "HAPROXY_LISTEN",
        "HAPROXY_STATS",
        "GATEWAY_1",
        "GATEWAY_2",
    }
