"""`wirehouse airflow` (make airflow): its own metadata database, this machine only, and a clean stop."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.airflow_client import AirflowClient
from tests.airflow_processes import ARTIFACTS, free_port
from wirehouse.airflow_env import airflow_env, metadata_database
from wirehouse.config import PROJECT_ROOT
from wirehouse.db import with_database

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")


def test_each_warehouse_has_its_own_airflow_metadata_database(monkeypatch):
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    assert metadata_database("postgresql://wh@db.example:5432/staging") == "staging_airflow"
    assert metadata_database("host=127.0.0.1 dbname=production") == "production_airflow"
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://x@y/shared")
    monkeypatch.setenv("WIREHOUSE_DATABASE_URL", "postgresql://wh@127.0.0.1:1/staging")
    assert airflow_env()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == "postgresql+psycopg2://x@y/shared", \
        "a configured metadata database wins"


@pytest.fixture
def standalone(warehouse_db, tmp_path):
    """`wirehouse airflow` started as a person starts it, in a session of its own, on a free port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW__")}
    env.update({"WIREHOUSE_DATABASE_URL": warehouse_db, "WIREHOUSE_HOME": str(tmp_path / "home"),
                "WIREHOUSE_SOURCES": str(PROJECT_ROOT / "seeds" / "replay.yaml")})
    logs = ARTIFACTS / "standalone"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "wirehouse-airflow.log", "wb") as log:
        process = subprocess.Popen([WIREHOUSE, "airflow", "--port", str(port)], env=env, cwd=PROJECT_ROOT,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process, port
        finally:
            if process.poll() is None:  # the test failed before stopping it
                for child in psutil.Process(process.pid).children(recursive=True):
                    child.kill()
                process.kill()
            process.wait()


def _listening(port: int) -> set[str]:
    return {c.laddr.ip for c in psutil.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


def test_make_airflow_listens_on_this_machine_only_and_stops_everything_on_sigterm(standalone, warehouse_db):
    process, port = standalone
    # logs: test-artifacts/standalone/wirehouse-airflow.log
    AirflowClient(f"http://127.0.0.1:{port}", "admin", "unused").wait_healthy(timeout=300)
    with psycopg.connect(with_database(warehouse_db, "postgres")) as conn:
        names = {n for (n,) in conn.execute("select datname from pg_database")}
    assert metadata_database(warehouse_db) in names, "Airflow's metadata sits beside this warehouse, named after it"
    assert _listening(port) == {"127.0.0.1"}
    started = psutil.Process(process.pid).children(recursive=True)
    assert len(started) >= 4, [p.name() for p in started]  # standalone, api-server, scheduler, dag-processor...

    asked = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    gone, alive = psutil.wait_procs(started, timeout=max(0.0, 30 - (time.monotonic() - asked)))
    assert not alive, f"still running 30 s after SIGTERM: {[(p.pid, p.name()) for p in alive]}"
    assert _listening(port) == set()
