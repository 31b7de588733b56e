"""The environment Airflow runs in when wirehouse starts it (make run, make airflow, tests).

Airflow's metadata lives on the same PostgreSQL server as the warehouse (the embedded one by
default), never in SQLite, in a database named after the warehouse's (`wirehouse` ->
`wirehouse_airflow`): two warehouses on one server never share Airflow's state, so neither
runs the other's tasks. AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, when set, wins.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL

from wirehouse.config import PROJECT_ROOT, settings
from wirehouse.db import database_url, ensure_database, with_database


def sqlalchemy_url(conninfo: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(conninfo)
    host = info.get("host")
    socket_dir = host if host and host.startswith("/") else None
    url = URL.create(
        "postgresql+psycopg2",
        username=info.get("user"),
        password=info.get("password") or None,
        host=None if socket_dir else host,
        port=int(info["port"]) if info.get("port") else None,
        database=info.get("dbname"),
        query={"host": socket_dir} if socket_dir else {},
    )
    return url.render_as_string(hide_password=False)


def airflow_env(home: Path | None = None) -> dict[str, str]:
    warehouse = database_url()
    env = dict(os.environ)
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in env:
        metadata = with_database(warehouse, metadata_database(warehouse))
        ensure_database(metadata)
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = sqlalchemy_url(metadata)
    bin_dir = str(Path(sys.executable).parent)
    env.update({
        "AIRFLOW_HOME": str(home or settings().state_dir / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "WIREHOUSE_DATABASE_URL": warehouse,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        # `airflow standalone` and task subprocesses look for `airflow` on PATH.
        "PATH": os.pathsep.join([bin_dir, env.get("PATH", "")]),
    })
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    return env


def metadata_database(warehouse: str) -> str:
    """The name of Airflow's metadata database beside the warehouse `warehouse`."""
    return f"{psycopg.conninfo.conninfo_to_dict(warehouse).get('dbname') or 'postgres'}_airflow"


def airflow(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    executable = str(Path(sys.executable).parent / "airflow")
    return subprocess.run([executable, *args], env=env, cwd=PROJECT_ROOT, **kwargs)


def migrate_metadata(env: dict[str, str], log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        done = airflow(["db", "migrate"], env, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed; see {log_file}")


def standalone_env(port: int, home: Path | None = None, host: str = "127.0.0.1") -> tuple[dict[str, str], str]:
    """Environment for `airflow standalone` on `port`, and the admin password (made once, kept in AIRFLOW_HOME)."""
    env = airflow_env(home)
    home = Path(env["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    passwords = home / "passwords.json"
    if not passwords.exists():
        passwords.write_text(json.dumps({"admin": secrets.token_urlsafe(12)}))
        passwords.chmod(0o600)
    # Every task is a Python process of its own: more at once than twice the cores only thrashes.
    env.setdefault("AIRFLOW__CORE__PARALLELISM", str(2 * (os.cpu_count() or 1)))
    env.update({
        "AIRFLOW__API__HOST": host,  # Airflow's own default is every interface
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://localhost:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
    })
    return env, json.loads(passwords.read_text())["admin"]


STOP_GRACE = 20.0  # seconds Airflow's processes get to stop after SIGTERM before they are killed


def run_standalone(env: dict[str, str]) -> int:
    """`airflow standalone` in a process group of its own, stopped as a whole on SIGINT or SIGTERM.

    Standalone passes SIGTERM to its children but the scheduler may ignore it, and the
    processes they start stay behind when standalone itself exits; so the whole group gets
    SIGTERM, then SIGKILL after STOP_GRACE seconds."""
    executable = str(Path(sys.executable).parent / "airflow")
    child = subprocess.Popen([executable, "standalone"], env=env, cwd=PROJECT_ROOT, start_new_session=True)
    asked: list[float] = []

    def stop(signum, frame) -> None:
        if not asked:
            asked.append(time.monotonic())
            _signal_group(child.pid, signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    while child.poll() is None and not (asked and time.monotonic() - asked[0] > STOP_GRACE):
        time.sleep(0.2)
    code = child.poll()
    _signal_group(child.pid, signal.SIGTERM)
    deadline = (asked[0] if asked else time.monotonic()) + STOP_GRACE
    while _group_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    _signal_group(child.pid, signal.SIGKILL)
    if code is None:
        code = child.wait()
    return 0 if asked else code


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
