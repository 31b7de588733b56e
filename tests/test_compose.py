"""docker-compose.yml and its Dockerfile: the team stack (Airflow 3 on Celery, PostgreSQL, Redis).

No Docker engine is needed: the file is parsed with PyYAML and checked against what the stack
must be, the Airflow settings it uses are looked up in the installed Airflow's own
configuration description, and `docker-compose config -q` / `docker compose config -q`
validate it when a compose binary is installed (skipped with the reason otherwise). The five
secrets have no default: the tests give them values of their own (TEST_ENV).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from wirehouse.config import PROJECT_ROOT

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
DOCKER_DIR = PROJECT_ROOT / "docker"
ENV_EXAMPLE = DOCKER_DIR / "env.example"

AIRFLOW_SERVICES = (
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
REQUIRED_SERVICES = ("postgres", "redis", *AIRFLOW_SERVICES)
LONG_RUNNING = tuple(s for s in AIRFLOW_SERVICES if s != "airflow-init")
COMMANDS = {
    "airflow-apiserver": ["airflow", "api-server"],
    "airflow-scheduler": ["airflow", "scheduler"],
    "airflow-dag-processor": ["airflow", "dag-processor"],
    "airflow-triggerer": ["airflow", "triggerer"],
    "airflow-worker": ["airflow", "celery", "worker"],
}

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}; not $${VAR} (escaped for the container)
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$")
# Required (`${VAR:?message}`), with no default in the repository: .env or the environment sets them.
SECRETS = ("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
           "AIRFLOW_API_SECRET_KEY")
# The environment the tests run compose with: the secrets only (URL-safe, as the password must be).
TEST_ENV = {name: f"test-{name.lower().replace('_', '-')}" for name in SECRETS}


class MissingVariable(Exception):
    """A required ${VAR:?message} is unset or empty; the exception's text is the file's message."""


def resolve(value: str, env: dict[str, str] = TEST_ENV) -> str:
    """A compose string as compose interpolates it with `env` as the whole environment (no .env), `$$` → `$`."""
    def substitute(m: re.Match) -> str:
        name, op, arg = m.group("name", "op", "arg")
        value = env.get(name)
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise MissingVariable(arg)
        if (op == ":-" and not value) or (op == "-" and value is None):
            return arg
        return value or ""

    return INTERPOLATION.sub(substitute, value).replace("$$", "$")


def is_interpolation(value: str) -> bool:
    """The whole value is one ${VAR...} expression."""
    m = INTERPOLATION.fullmatch(value.strip())
    return m is not None


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def command(service: dict) -> list[str]:
    cmd = service.get("command") or []
    return cmd.split() if isinstance(cmd, str) else [str(c) for c in cmd]


def strings(node):
    """Every string in a parsed YAML document (keys and values)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# --- validation by compose itself ------------------------------------------------------

def _compose_v2_available() -> bool:
    if not shutil.which("docker"):
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    return done.returncode == 0


def compose_config(cli: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`config -q` with `env` as the .env file and none of the secrets in the process environment."""
    if cli == "docker-compose" and not shutil.which("docker-compose"):
        pytest.skip("the docker-compose (v1) binary is not installed "
                    "(apt-get install docker-compose) so `docker-compose config -q` cannot run")
    if cli == "docker compose" and not _compose_v2_available():
        pytest.skip("compose v2 (`docker compose`) is not installed so `docker compose config -q` cannot run")
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    process_env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run([*cli.split(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
                          cwd=PROJECT_ROOT, env=process_env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cli", ["docker-compose", "docker compose"])
def test_compose_cli_validates_the_file(cli, tmp_path):
    done = compose_config(cli, TEST_ENV, tmp_path)
    assert done.returncode == 0, f"{cli} config -q failed:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("cli", ["docker-compose", "docker compose"])
def test_compose_cli_refuses_a_missing_secret(cli, tmp_path):
    for name in SECRETS:
        for env in ({k: v for k, v in TEST_ENV.items() if k != name}, {**TEST_ENV, name: ""}):
            done = compose_config(cli, env, tmp_path)
            assert done.returncode != 0, f"{cli} config -q accepted the file without {name}"
            assert f"set {name} in .env" in done.stderr, done.stderr


def test_file_validates_against_the_compose_specification(compose):
    """Always runs: the Compose Specification's JSON schema (docker/compose-spec.json, from docker-compose 1.29.2)."""
    import json

    import jsonschema

    schema = json.loads((PROJECT_ROOT / "docker" / "compose-spec.json").read_text())
    jsonschema.validate(compose, schema)
    broken = {**compose, "services": {**compose["services"], "redis": {**compose["services"]["redis"], "restart": 3}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)  # the schema does reject a malformed file


# --- services ---------------------------------------------------------------------------

def test_every_required_service_exists(services):
    missing = [s for s in REQUIRED_SERVICES if s not in services]
    assert not missing, f"services missing from docker-compose.yml: {missing}"


def test_postgres_and_redis_have_healthchecks(services):
    assert resolve(services["postgres"]["image"]).split(":")[1].startswith("16")
    for name in ("postgres", "redis"):
        test = services[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
    postgres_check = " ".join(services["postgres"]["healthcheck"]["test"])
    # Over TCP: during initdb the image's temporary server listens on the socket only, so a
    # socket check would pass before the init script has created the databases.
    assert "pg_isready" in postgres_check and "-h localhost" in postgres_check


def test_postgres_init_script_creates_both_databases(services):
    postgres = services["postgres"]
    mounts = [v for v in postgres.get("volumes", []) if "/docker-entrypoint-initdb.d" in str(v)]
    assert mounts, "postgres does not mount an init script directory"
    host_dir = PROJECT_ROOT / str(mounts[0]).split(":")[0]
    scripts = sorted(host_dir.glob("*.sh")) + sorted(host_dir.glob("*.sql"))
    assert scripts, f"no init scripts in {host_dir}"
    text = "\n".join(p.read_text() for p in scripts)
    assert "create database" in text.lower()
    env = environment(postgres)
    for var in ("AIRFLOW_DB", "WIREHOUSE_DB"):
        assert var in env and var in text, f"{var} is not passed to / used by the init script"


def test_airflow_services_run_the_project_image(services):
    images = {resolve(str(services[s].get("image", ""))) for s in AIRFLOW_SERVICES}
    assert len(images) == 1 and "" not in images, f"airflow services use different images: {images}"
    for name in AIRFLOW_SERVICES:
        build = services[name].get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        assert context in (".", "./"), f"{name} is not built from the project folder"
    for name, expected in COMMANDS.items():
        assert command(services[name])[: len(expected)] == expected, f"{name} command: {command(services[name])}"


def test_airflow_services_use_celery_redis_and_postgres(services):
    for name in AIRFLOW_SERVICES:
        env = {k: resolve(v) for k, v in environment(services[name]).items()}
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        assert env.get("AIRFLOW__CELERY__BROKER_URL") == "redis://redis:6379/0", name
        metadata = env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
        assert metadata.startswith("postgresql+psycopg2://") and "@postgres:" in metadata, (name, metadata)
        backend = env.get("AIRFLOW__CELERY__RESULT_BACKEND", "")
        assert backend.startswith("db+postgresql://") and "@postgres:" in backend, (name, backend)
        assert env.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL") == "http://airflow-apiserver:8080/execution/", name
        assert env.get("AIRFLOW__CORE__DAGS_FOLDER", "").endswith("/dags"), name


def test_airflow_secrets_are_shared(services):
    shared = ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY",
              "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    for key in shared:
        values = {environment(services[s]).get(key) for s in AIRFLOW_SERVICES}
        assert len(values) == 1 and None not in values and "" not in values, f"{key} differs: {values}"


def test_airflow_settings_exist_in_the_installed_airflow(services):
    """Every AIRFLOW__SECTION__KEY names an option of the installed Airflow (core or provider)."""
    from airflow.configuration import conf

    description = conf.configuration_description
    unknown = set()
    for name in AIRFLOW_SERVICES:
        for key in environment(services[name]):
            if key.startswith("AIRFLOW__"):
                section, option = key[len("AIRFLOW__"):].lower().split("__", 1)
                if option not in description.get(section, {}).get("options", {}):
                    unknown.add(key)
    assert not unknown, f"not options of the installed Airflow: {sorted(unknown)}"


def test_worker_is_scalable(services):
    worker = services["airflow-worker"]
    assert "container_name" not in worker, "a container_name prevents --scale airflow-worker=N"
    assert not worker.get("ports"), "a host port on the worker prevents --scale airflow-worker=N"


def test_workers_know_the_warehouse(services):
    env = {k: resolve(v) for k, v in environment(services["airflow-worker"]).items()}
    url = env.get("WIREHOUSE_DATABASE_URL", "")
    assert url.startswith(("postgresql://", "postgres://")) and "@postgres:" in url, url
    warehouse_db = url.rsplit("/", 1)[1]
    metadata_db = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].rsplit("/", 1)[1]
    assert warehouse_db != metadata_db, "the warehouse must be another database than Airflow's metadata"
    assert "WIREHOUSE_SOURCES" in env


def test_start_order(services):
    for name in AIRFLOW_SERVICES:
        deps = services[name].get("depends_on") or {}
        assert isinstance(deps, dict), f"{name}: depends_on without conditions"
        for infra in ("postgres", "redis"):
            assert deps.get(infra, {}).get("condition") == "service_healthy", (name, infra)
    for name in LONG_RUNNING:
        deps = services[name]["depends_on"]
        assert deps.get("airflow-init", {}).get("condition") == "service_completed_successfully", name
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"
    assert str(services["airflow-init"].get("restart", "no")) in ("no", "False", "false")


def test_apiserver_publishes_the_ui(services):
    ports = [resolve(str(p)) for p in services["airflow-apiserver"].get("ports", [])]
    assert any(p.endswith(":8080") for p in ports), ports


# --- credentials ------------------------------------------------------------------------

def is_required_secret(value: str) -> bool:
    """The whole value is `${SECRET:?message}`, one of SECRETS, with a message naming it."""
    m = INTERPOLATION.fullmatch(value.strip())
    return bool(m) and m.group("name") in SECRETS and m.group("op") == ":?" and m.group("name") in m.group("arg")


def test_no_credential_literals_in_compose_file(compose):
    # 1. Every secret-looking environment variable is exactly one required ${SECRET:?message}.
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key) and not key.endswith(("_FILE", "_PATH")):
                assert is_required_secret(value), \
                    f"{name}: {key}: {value!r} is not ${{SECRET:?set SECRET in .env ...}} with SECRET in {SECRETS}"
    # 2. Every user:password@ in a URL is ${VAR...} expressions, the password the required POSTGRES_PASSWORD.
    userinfo = re.compile(r"://(?P<user>\$\{[^}]*\}|[^:/@\s]*):(?P<password>\$\{[^}]*\}|[^@\s]*)@")
    for text in strings(compose):
        for m in userinfo.finditer(text):
            assert is_interpolation(m.group("user")), f"literal user in {text!r}"
            assert is_required_secret(m.group("password")), f"password in {text!r}"
            assert INTERPOLATION.fullmatch(m.group("password")).group("name") == "POSTGRES_PASSWORD"
    # 3. No KEY=literal or PGPASSWORD-style assignment hidden in commands or healthchecks.
    assignment = re.compile(r"\b[A-Z_]*(?:PASSWORD|SECRET|FERNET_KEY)[A-Z_]*=(?!\$)\S")
    for text in strings(compose):
        assert not assignment.search(text), f"credential literal in {text!r}"


def test_secrets_are_required_and_have_no_default_in_the_repository(compose):
    text = COMPOSE_FILE.read_text()  # comments included
    expressions = [m for m in INTERPOLATION.finditer(text)]
    secret_named = {m.group("name") for m in expressions if SECRET_NAME.search(m.group("name"))}
    assert secret_named == set(SECRETS), f"secret-looking variables not in SECRETS, or unused: {secret_named ^ set(SECRETS)}"
    for m in expressions:
        if m.group("name") in SECRETS:
            assert m.group("op") == ":?", f"{m.group(0)} is not required (`:?`, which also refuses an empty value)"
            assert f"set {m.group('name')} in .env" in m.group("arg") and "docker/env.example" in m.group("arg"), \
                f"{m.group(0)}: the message does not say what to set"
    example = dict(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE))
    uncommented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    for name in SECRETS:
        assert name in uncommented and example[name].strip() == "", \
            f"docker/env.example must have an empty `{name}=` to fill in, not {example.get(name)!r}"
        assert len(re.findall(rf"^#?\s*{name}=", ENV_EXAMPLE.read_text(), re.MULTILINE)) == 1, name


def test_resolving_without_a_secret_fails_naming_it(compose):
    everything = list(strings(compose))
    resolved = [resolve(s) for s in everything]
    for name in SECRETS:
        assert any(TEST_ENV[name] in s for s in resolved), f"{name} is not used by docker-compose.yml"
        for env in ({k: v for k, v in TEST_ENV.items() if k != name}, {**TEST_ENV, name: ""}):
            with pytest.raises(MissingVariable) as missing:
                for s in everything:
                    resolve(s, env)
            assert f"set {name} in .env (see docker/env.example)" == str(missing.value)
    env = {k: resolve(v) for k, v in environment(compose["services"]["postgres"]).items()}
    assert env["POSTGRES_PASSWORD"] == TEST_ENV["POSTGRES_PASSWORD"]
    url = resolve(environment(compose["services"]["airflow-worker"])["WIREHOUSE_DATABASE_URL"])
    assert f":{TEST_ENV['POSTGRES_PASSWORD']}@postgres:" in url, url


def read_env_file(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Z_][A-Z0-9_]*)=(.*)$", path.read_text(), re.MULTILINE))


def test_make_env_writes_fresh_secrets_once(compose, tmp_path):
    from cryptography.fernet import Fernet

    script = DOCKER_DIR / "make-env.sh"
    first, second = tmp_path / "first.env", tmp_path / "second.env"
    for target in (first, second):
        subprocess.run(["sh", str(script), str(target)], check=True, capture_output=True, timeout=30)
    env, other = read_env_file(first), read_env_file(second)
    assert sorted(env) == sorted(SECRETS), "only the secrets are set, everything else keeps its default"
    for name in SECRETS:
        assert len(env[name]) >= 43 and env[name] != other[name], (name, env[name], other[name])
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", env["POSTGRES_PASSWORD"]), "the password goes into URLs unescaped"
    Fernet(env["AIRFLOW_FERNET_KEY"].encode())  # a valid key
    for s in strings(compose):
        resolve(s, env)
    assert (first.stat().st_mode & 0o077) == 0, "the .env is readable by other users"
    before = first.read_text()
    done = subprocess.run(["sh", str(script), str(first)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "left unchanged" in done.stderr and first.read_text() == before


def test_env_file_is_not_committed():
    done = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT, timeout=30)
    assert done.returncode == 0, ".env is not in .gitignore"


def test_no_credentials_in_dockerfile_or_helper_scripts():
    assignment = re.compile(r"\b[A-Z_]*(?:PASSWORD|SECRET|FERNET_KEY)[A-Z_]*\s*=\s*(?![\"']?\$)\S")
    files = [DOCKERFILE, *[p for p in DOCKER_DIR.rglob("*") if p.is_file() and p != ENV_EXAMPLE]]
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            assert not assignment.search(line), f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"


def test_env_example_documents_every_variable():
    compose_strings = "\n".join(strings(yaml.safe_load(COMPOSE_FILE.read_text())))  # comments dropped
    used = set(m.group("name") for m in INTERPOLATION.finditer(compose_strings))
    documented = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert not used - documented, f"variables missing from docker/env.example: {sorted(used - documented)}"


def test_env_example_defaults_match_compose():
    defaults = {m.group("name"): m.group("arg") for m in INTERPOLATION.finditer(COMPOSE_FILE.read_text())
                if m.group("op") == ":-"}
    for name, value in re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE):
        if name in defaults:
            assert value.strip() == defaults[name], f"docker/env.example says {name}={value}, compose {defaults[name]}"


# --- the image ---------------------------------------------------------------------------

def _instructions() -> list[str]:
    """Dockerfile instructions with continuation lines joined and comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def test_dockerfile_installs_from_the_lock_file():
    instructions = _instructions()
    assert instructions[0].split()[:2] == ["FROM", "python:3.11-slim"], instructions[0]
    text = "\n".join(instructions)
    uv_version = re.search(r"^UV_VERSION\s*:=\s*(\S+)", (PROJECT_ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    assert re.search(rf"ARG UV_VERSION={re.escape(uv_version)}\b", text), "uv version differs from the Makefile's"
    assert re.search(r'pip install "?uv==\$\{UV_VERSION\}"?', text)
    assert re.search(r"COPY [^\n]*\buv\.lock\b", text), "uv.lock is not copied into the image"
    syncs = re.findall(r"uv sync[^\n&]*", text)
    assert syncs, "no `uv sync` in the Dockerfile"
    assert all("--frozen" in s for s in syncs), syncs
    pip_installs = re.findall(r"pip install ([^\n&]*)", text)
    assert all(p.strip().strip('"').startswith("uv==") for p in pip_installs), \
        f"packages installed outside uv.lock: {pip_installs}"


def test_no_airflow_image_or_extra_requirements():
    for path in (COMPOSE_FILE, DOCKERFILE):
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in text, path.name
        assert "apache/airflow" not in text, path.name
        assert "constraints-" not in text, path.name


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (".venv", ".wirehouse", ".git", ".env"):
        assert entry in ignored, f"{entry} is not in .dockerignore"


def test_helper_files_referenced_by_the_stack_exist(services):
    referenced = set()
    for name, service in services.items():
        for text in strings({"command": service.get("command"), "healthcheck": service.get("healthcheck")}):
            referenced.update(re.findall(r"/opt/wirehouse/(docker/[\w./-]+)", text))
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("./"):
                referenced.add(source[2:])
    assert referenced, "no helper files referenced"
    for rel in sorted(referenced):
        assert (PROJECT_ROOT / rel).exists(), f"{rel} is referenced by docker-compose.yml but missing"


@pytest.mark.parametrize("script", sorted(p.relative_to(PROJECT_ROOT).as_posix() for p in DOCKER_DIR.rglob("*.sh")))
def test_helper_shell_scripts_parse(script):
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("bash is not installed")
    done = subprocess.run([bash, "-n", str(PROJECT_ROOT / script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_dockerfile_and_compose_agree_on_paths(services):
    text = "\n".join(_instructions())
    assert "WORKDIR /opt/wirehouse" in text
    env = environment(services["airflow-worker"])
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/wirehouse/dags"
    assert Path(PROJECT_ROOT / "dags").is_dir()
