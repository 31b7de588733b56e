"""Start real Airflow processes for end-to-end tests, each in its own process group, logs kept as artifacts."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from wirehouse.airflow_env import migrate_metadata, sqlalchemy_url, standalone_env
from wirehouse.config import PROJECT_ROOT
from wirehouse.migrate import migrate

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AIRFLOW = str(Path(sys.executable).parent / "airflow")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_environment(name: str, warehouse: str, metadata: str, replay_url: str, home: Path,
                        extra: dict[str, str] | None = None) -> tuple[dict[str, str], str, int]:
    """Environment for an Airflow on the replay: migrated warehouse and metadata databases, a free port."""
    with psycopg.connect(warehouse, autocommit=True) as conn:
        migrate(conn)
    port = free_port()
    overrides = {
        "WIREHOUSE_DATABASE_URL": warehouse,
        "WIREHOUSE_SOURCES": str(PROJECT_ROOT / "seeds" / "replay.yaml"),
        "WIREHOUSE_REPLAY_URL": replay_url,
        "WIREHOUSE_HOME": str(home),
        "WIREHOUSE_TASK_RETRIES": "1",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata),
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        **(extra or {}),
    }
    with patched_environ(overrides):
        env, password = standalone_env(port, home / "airflow")
    migrate_metadata(env, ARTIFACTS / name / "airflow-db-migrate.log")
    return env, password, port


@contextlib.contextmanager
def patched_environ(values: dict[str, str]):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def airflow_processes(name: str, commands: dict[str, list[str]], env: dict[str, str],
                      env_by_command: dict[str, dict[str, str]] | None = None):
    """Run `airflow <args>` for each named command (with its own extra environment) until the block ends."""
    logs = ARTIFACTS / name
    logs.mkdir(parents=True, exist_ok=True)
    processes = []
    try:
        for label, args in commands.items():
            log = open(logs / f"{label}.log", "wb")
            command_env = {**env, **(env_by_command or {}).get(label, {})}
            processes.append((subprocess.Popen([AIRFLOW, *args], env=command_env, cwd=PROJECT_ROOT, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True), log))
        yield logs
    finally:
        for process, _ in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process, log in processes:
            try:
                process.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
