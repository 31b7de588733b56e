"""A small client for Airflow 3's REST API (v2), used by the end-to-end tests."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request


class AirflowClient:
    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url.rstrip("/")
        self.username, self.password = username, password
        self.token: str | None = None

    def _call(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.login()}"
        request = urllib.request.Request(f"{self.base_url}{path}", method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code}: {exc.read()[:500]!r}") from None

    def login(self) -> str:
        if self.token is None:
            self.token = self._call("POST", "/auth/token",
                                    {"username": self.username, "password": self.password}, auth=False)["access_token"]
        return self.token

    def get(self, path: str) -> dict:
        return self._call("GET", path)

    def post(self, path: str, body: dict) -> dict:
        return self._call("POST", path, body)

    def patch(self, path: str, body: dict) -> dict:
        return self._call("PATCH", path, body)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                health = self._call("GET", "/api/v2/monitor/health", auth=False)
                if all(health.get(part, {}).get("status") == "healthy"
                       for part in ("metadatabase", "scheduler", "dag_processor")):
                    return
            except (OSError, AssertionError):
                pass
            time.sleep(2)
        raise TimeoutError(f"Airflow at {self.base_url} not healthy after {timeout} s")

    def wait_for_dag(self, dag_id: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.get(f"/api/v2/dags/{dag_id}")
                return
            except AssertionError:
                time.sleep(2)
        raise TimeoutError(f"DAG {dag_id} not parsed after {timeout} s")

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]

    def wait_for_runs(self, dag_id: str, run_ids: set[str], timeout: float) -> dict[str, str]:
        """Wait until every run in run_ids has finished; returns run_id -> state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = {r["dag_run_id"]: r["state"] for r in self.runs(dag_id) if r["dag_run_id"] in run_ids}
            if len(states) == len(run_ids) and all(s in ("success", "failed") for s in states.values()):
                return states
            time.sleep(3)
        raise TimeoutError(f"runs of {dag_id} not finished after {timeout} s: {states}")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=200")["task_instances"]
