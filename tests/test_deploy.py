"""The deployment files (deploy/) are valid and describe the product as it is, checked offline:

* every Kubernetes manifest against the Kubernetes 1.28 JSON schemas that ``kubernetes-validate``
  (pinned, requirements.lock) bundles, strictly (an unknown or misspelt field fails);
* the compose file against the compose specification's JSON schema that Debian's ``docker-compose``
  package ships (scripts/install_test_system_deps.sh installs it), and through ``docker-compose config``
  itself, which also refuses a missing secret;
* what a schema cannot know: every workload has readiness and liveness probes on routes our servers
  answer, resource requests, and a command that runs one of our modules; Services, autoscalers and
  configuration references point at things that exist; every variable set is one bot/settings.py
  reads; Redis keeps its data (AOF on a volume); the Dockerfile copies files that exist.

A broken manifest is shown to fail each kind of check (``test_a_broken_manifest_is_caught``).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List

import jsonschema
import kubernetes_validate
from kubernetes_validate.utils import SchemaNotFoundError, VersionNotSupportedError
import pytest
import yaml

from core.ops_http import OPS_PATHS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.28"
COMPOSE_SCHEMA = Path("/usr/lib/python3/dist-packages/compose/config/compose_spec.json")  # Debian: docker-compose
WORKLOADS = ("Deployment", "StatefulSet")
# Variables that are not ours but the libraries' or the images' (Rasa's telemetry switch, redis-cli's password)
FOREIGN_VARIABLES = {"RASA_TELEMETRY_ENABLED", "REDISCLI_AUTH", "REDIS_PASSWORD"}
SECRETS = {"REDIS_PASSWORD": "redis-password-0123456789", "ACTION_SERVER_SECRET": "action-secret-0123456789",
           "WEBCHAT_SESSION_SECRET": "webchat-secret-0123456789", "STATUS_API_SECRET": "status-secret-0123456789"}


def manifests() -> List[Dict[str, Any]]:
    docs = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return docs


def compose_file() -> Dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def name_of(doc: Dict[str, Any]) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


# --- Kubernetes ------------------------------------------------------------------------------------

def schema_errors(docs: List[Dict[str, Any]]) -> List[str]:
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name_of(doc)}: {'.'.join(map(str, error.path))}: {error.message}")
        except (SchemaNotFoundError, VersionNotSupportedError) as error:
            errors.append(f"{name_of(doc)}: {error.message}")  # an unknown kind or apiVersion is an error too
    return errors


def containers(doc: Dict[str, Any]) -> List[Dict[str, Any]]:
    return doc["spec"]["template"]["spec"]["containers"]


def modules_run_by(command: List[str]) -> Iterator[str]:
    """The modules a container command runs with ``python -m`` (also inside ``sh -c "..."``)."""
    words = list(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2].replace("&&", " ; "))
    for index, word in enumerate(words[:-1]):
        if word == "-m" and words[index - 1] == "python":
            yield words[index + 1]


def has_main(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return False
    if spec.submodule_search_locations:  # a package: python -m runs its __main__
        return (Path(spec.origin).parent / "__main__.py").exists()
    return "__main__" in Path(spec.origin).read_text(encoding="utf-8")


def settings_variables() -> set:
    return set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", (ROOT / "bot" / "settings.py").read_text(encoding="utf-8")))


def consistency_errors(docs: List[Dict[str, Any]]) -> List[str]:
    errors = []
    by_kind: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    known = settings_variables() | FOREIGN_VARIABLES
    for name, config in by_kind.get("ConfigMap", {}).items():
        if name == "tldvc-config":
            errors += [f"ConfigMap/{name}: {key} is not a setting (bot/settings.py)" for key in config["data"] if key not in known]
    for name, secret in by_kind.get("Secret", {}).items():
        errors += [f"Secret/{name}: {key} is not a setting" for key in secret.get("stringData", {}) if key not in known]
    workloads = [doc for kind in WORKLOADS for doc in by_kind.get(kind, {}).values()]
    if not workloads:
        errors.append("no workload")
    for doc in workloads:
        where = name_of(doc)
        for container in containers(doc):
            ports = {port.get("name") for port in container.get("ports", [])} | {port["containerPort"] for port in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    errors.append(f"{where}: no {probe}")
                    continue
                http = container[probe].get("httpGet")
                if http and http.get("path") not in OPS_PATHS:
                    errors.append(f"{where}: {probe} on {http.get('path')}, which our servers do not answer")
                if http and http.get("port") not in ports:
                    errors.append(f"{where}: {probe} on port {http.get('port')}, which the container does not declare")
            requests = container.get("resources", {}).get("requests", {})
            if not {"cpu", "memory"} <= set(requests):
                errors.append(f"{where}: no cpu and memory requests")
            image = container.get("image", "")
            if image.startswith("tro-ly-dich-vu-cong"):
                modules = list(modules_run_by(container.get("command", [])))
                if not modules:
                    errors.append(f"{where}: the command runs none of our modules")
                errors += [f"{where}: python -m {m} does not exist or has no main" for m in modules if not has_main(m)]
            for env in container.get("env", []):
                if env["name"] not in known:
                    errors.append(f"{where}: {env['name']} is not a setting (bot/settings.py)")
                ref = env.get("valueFrom", {})
                for kind, key in (("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef")):
                    if key in ref and ref[key]["name"] not in by_kind.get(kind, {}) and not ref[key].get("optional"):
                        errors.append(f"{where}: {env['name']} from {kind}/{ref[key]['name']}, which does not exist")
                    elif key in ref and ref[key]["name"] in by_kind.get(kind, {}):
                        data = by_kind[kind][ref[key]["name"]]
                        if ref[key]["key"] not in {**data.get("data", {}), **data.get("stringData", {})}:
                            errors.append(f"{where}: {env['name']}: no key {ref[key]['key']} in {kind}/{ref[key]['name']}")
            for source in container.get("envFrom", []):
                for kind, key in (("Secret", "secretRef"), ("ConfigMap", "configMapRef")):
                    if key in source and source[key]["name"] not in by_kind.get(kind, {}) and not source[key].get("optional"):
                        errors.append(f"{where}: envFrom {kind}/{source[key]['name']}, which does not exist")
        for volume in doc["spec"]["template"]["spec"].get("volumes", []):
            claim = volume.get("persistentVolumeClaim", {}).get("claimName")
            if claim and claim not in by_kind.get("PersistentVolumeClaim", {}):
                errors.append(f"{where}: volume claim {claim} does not exist")
            config = volume.get("configMap", {}).get("name")
            if config and config not in by_kind.get("ConfigMap", {}):
                errors.append(f"{where}: volume from ConfigMap/{config}, which does not exist")
    for name, service in by_kind.get("Service", {}).items():
        selector = service["spec"].get("selector", {})
        matched = [doc for doc in workloads
                   if selector and selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()]
        if not matched:
            errors.append(f"Service/{name}: its selector matches no workload")
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            declared = {p.get("name") for d in matched for c in containers(d) for p in c.get("ports", [])} | \
                {p["containerPort"] for d in matched for c in containers(d) for p in c.get("ports", [])}
            if matched and target not in declared:
                errors.append(f"Service/{name}: targetPort {target} is no port of its pods")
    for name, hpa in by_kind.get("HorizontalPodAutoscaler", {}).items():
        target = hpa["spec"]["scaleTargetRef"]
        if target["name"] not in by_kind.get(target["kind"], {}):
            errors.append(f"HorizontalPodAutoscaler/{name}: scales {target['kind']}/{target['name']}, which does not exist")
        elif not any("resources" in c and "cpu" in c["resources"].get("requests", {}) for c in containers(by_kind[target["kind"]][target["name"]])):
            errors.append(f"HorizontalPodAutoscaler/{name}: CPU utilisation needs a CPU request")
    return errors


def test_kubernetes_manifests_validate_against_the_bundled_schemas():
    docs = manifests()
    kinds = {doc["kind"] for doc in docs}
    assert {"Deployment", "StatefulSet", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler"} <= kinds
    assert schema_errors(docs) == []


def test_every_component_is_deployed_with_probes_requests_and_a_real_command():
    docs = manifests()
    assert consistency_errors(docs) == []
    deployed = {doc["metadata"]["name"] for doc in docs if doc["kind"] in WORKLOADS}
    assert deployed == {"redis", "rasa", "actions", "webchat", "status-api", "notification-worker", "admin"}


def test_a_broken_manifest_is_caught():
    docs = manifests()
    rasa = next(i for i, d in enumerate(docs) if name_of(d) == "Deployment/rasa")

    def broken(change) -> List[Dict[str, Any]]:
        copied = copy.deepcopy(docs)
        change(copied[rasa])
        return copied

    def container(doc):
        return containers(doc)[0]

    def only_rasa(change) -> List[Dict[str, Any]]:
        return broken(change)[rasa:rasa + 1]

    assert schema_errors(only_rasa(lambda d: d["spec"].__setitem__("replicas", "two")))
    assert schema_errors(only_rasa(lambda d: container(d).__setitem__("readinesProbe", container(d).pop("readinessProbe"))))
    assert schema_errors(only_rasa(lambda d: d.__setitem__("apiVersion", "apps/v9")))
    assert consistency_errors(broken(lambda d: container(d).pop("livenessProbe")))
    assert consistency_errors(broken(lambda d: container(d)["readinessProbe"]["httpGet"].__setitem__("path", "/ready")))
    assert consistency_errors(broken(lambda d: container(d)["resources"].pop("requests")))
    assert consistency_errors(broken(lambda d: container(d).__setitem__("command", ["python", "-m", "bot.rasa_servr"])))
    assert consistency_errors(broken(lambda d: container(d)["env"].append({"name": "REDIS_ULR", "value": "x"})))
    assert consistency_errors(broken(lambda d: d["spec"]["template"]["metadata"]["labels"].__setitem__(
        "app.kubernetes.io/name", "rasa-server")))  # the Service no longer reaches it


def test_redis_keeps_its_data_with_aof_on_a_volume():
    docs = manifests()
    config = next(d for d in docs if name_of(d) == "ConfigMap/redis-config")["data"]["redis.conf"]
    assert re.search(r"^appendonly yes$", config, re.M) and re.search(r"^dir /data$", config, re.M)
    redis = next(d for d in docs if name_of(d) == "StatefulSet/redis")
    assert redis["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data"
    assert {"name": "data", "mountPath": "/data"} in containers(redis)[0]["volumeMounts"]
    service = compose_file()["services"]["redis"]
    assert "--appendonly" in service["command"] and service["command"][service["command"].index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in service["volumes"])


# --- compose -------------------------------------------------------------------------------------

def compose_schema_errors(document: Dict[str, Any]) -> List[str]:
    if not COMPOSE_SCHEMA.exists():
        pytest.fail(f"{COMPOSE_SCHEMA} is missing: install Debian's docker-compose (bash scripts/install_test_system_deps.sh)")
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def docker_compose(*args: str, env: Dict[str, str]) -> subprocess.CompletedProcess:
    program = shutil.which("docker-compose")
    if program is None:
        pytest.fail("docker-compose is missing: bash scripts/install_test_system_deps.sh installs it")
    return subprocess.run([program, "-f", str(DEPLOY / "compose.yaml"), *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": os.environ.get("PATH", ""), **env}, cwd=DEPLOY)


def test_compose_file_validates_and_docker_compose_accepts_it():
    document = compose_file()
    assert compose_schema_errors(document) == []
    result = docker_compose("config", "-q", env=SECRETS)
    assert result.returncode == 0, result.stderr
    missing = docker_compose("config", "-q", env={k: v for k, v in SECRETS.items() if k != "ACTION_SERVER_SECRET"})
    assert missing.returncode != 0 and "ACTION_SERVER_SECRET" in missing.stderr
    broken = copy.deepcopy(document)
    broken["services"]["rasa"]["healthcheck"]["retries"] = "many"
    broken["services"]["rasa"]["restart_policy"] = "always"
    assert len(compose_schema_errors(broken)) >= 2


def test_compose_services_run_our_modules_with_probes_on_our_routes():
    resolved = yaml.safe_load(docker_compose("config", env=SECRETS).stdout)
    known = settings_variables() | FOREIGN_VARIABLES
    services = resolved["services"]
    assert set(services) == {"redis", "rasa", "actions", "webchat", "status-api", "notification-worker", "admin"}
    for name, service in services.items():
        test = " ".join(service["healthcheck"]["test"])
        if name == "redis":
            continue
        modules = list(modules_run_by(service["command"]))
        assert modules and all(has_main(m) for m in modules), (name, modules)
        assert "/health/ready" in test, name
        assert set(service["environment"]) <= known, (name, set(service["environment"]) - known)


def test_dockerfile_copies_what_exists_and_runs_our_modules():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copied = [word for line in text.splitlines() if line.startswith("COPY ") for word in line.split()[1:-1]]
    assert copied and [source for source in copied if not (ROOT / source).exists()] == []
    for package in ("core", "bot", "channels", "notifications", "applications", "admin", "actions", "launcher", "knowledge"):
        assert package in copied, package
    assert "python -m bot.training" in text  # the model is in the image: a container never trains
