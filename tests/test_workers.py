"""wirehouse.workers: the forked worker processes the clean, re-extraction and fingerprint tasks share."""
import os
import time

import pytest

from wirehouse.workers import ForkedPool, InProcess, executor, worker_count

LOADED: list[str] = []


def _load() -> None:
    LOADED.append("models")


def _pid_and_loaded(_: int) -> tuple[int, tuple[str, ...]]:
    return os.getpid(), tuple(LOADED)


def test_forked_workers_inherit_what_was_loaded_once_before_the_fork():
    LOADED.clear()
    pool = ForkedPool(2, before_fork=_load)
    assert LOADED == []  # nothing loaded, nothing forked until there is work
    with pool:
        results = [f.result() for f in [pool.submit(_pid_and_loaded, n) for n in range(8)]]
    assert LOADED == ["models"]  # loaded once, in this process
    assert {pid for pid, _ in results} - {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in results}
    assert {loaded for _, loaded in results} == {("models",)}


def test_one_worker_runs_in_this_process_without_loading_anything_ahead():
    LOADED.clear()
    with executor(1, before_fork=_load) as pool:
        assert isinstance(pool, InProcess)
        assert pool.submit(_pid_and_loaded, 0).result() == (os.getpid(), ())


def _slow(seconds: float) -> None:
    time.sleep(seconds)


def test_leaving_on_an_error_cancels_the_calls_not_started():
    with pytest.raises(RuntimeError):
        with executor(2) as pool:
            futures = [pool.submit(_slow, 0.05) for _ in range(40)]
            raise RuntimeError("the task failed")
    assert any(f.cancelled() for f in futures)


def test_worker_count_follows_the_setting(monkeypatch):
    from wirehouse.config import settings

    monkeypatch.setenv("WIREHOUSE_CLEAN_WORKERS", "3")
    assert settings().workers == worker_count() == 3


def _pids(*_) -> int:
    return os.getpid()


def test_the_fingerprint_pool_forks_its_workers_once_for_all_its_passes():
    from wirehouse.fingerprinting import _PagePool

    with _PagePool(2) as pool:
        first = list(pool.map(_pids, iter([(n,) for n in range(6)])))
        second = list(pool.map(_pids, iter([(n,) for n in range(6)])))
    assert first[0] == os.getpid()  # an interval of one batch stays in this process
    workers = set(first[1:]) | set(second)
    assert os.getpid() not in workers and len(workers) <= 2


def test_the_extractors_warm_up_runs_once_when_shards_in_threads_ask_for_it_at_once(monkeypatch):
    import threading

    import py3langid

    from extract import article

    loadings = []

    def slow_model_load(text):  # the model's load, slow enough for the threads to meet in it
        loadings.append(text)
        time.sleep(0.3)

    monkeypatch.setattr(article, "_warmed_up", False)
    monkeypatch.setattr(py3langid, "classify", slow_model_load)
    threads = [threading.Thread(target=article.warm_up) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loadings == ["warm"]
    assert article._warmed_up
