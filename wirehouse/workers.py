"""Worker processes for the stages' pure work on pages: extraction (clean, reclean) and fingerprints.

Both fork their workers from the task's process, lazily, so that a small task pays no start-up
and the workers inherit what the task loaded before forking.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from wirehouse.config import settings


def worker_count() -> int:
    """Processes a clean or fingerprint task works its pages in: WIREHOUSE_CLEAN_WORKERS, else one per
    core; one inside a daemonic process (a Celery prefork worker), which may not fork children: there
    the worker's own concurrency runs tasks side by side."""
    if multiprocessing.current_process().daemon:
        return 1
    return settings().workers


class InProcess:
    """The executor interface, running each call at once in this process."""

    def submit(self, fn, *args) -> Future:
        future = Future()
        future.set_result(fn(*args))
        return future

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc) -> None:
        pass


class ForkedPool:
    """``workers`` processes forked at the first call, after ``before_fork()`` has run in this process
    (the one-off loading they should share rather than each pay); shut down on leaving the ``with``
    block, the calls not yet started cancelled if it is left by an exception."""

    def __init__(self, workers: int, before_fork: Callable[[], None] | None = None):
        self.workers, self.before_fork, self.pool = workers, before_fork, None

    def submit(self, fn, *args) -> Future:
        if self.pool is None:
            if self.before_fork is not None:
                self.before_fork()
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self.pool.submit(fn, *args)

    def __enter__(self) -> "ForkedPool":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=exc[0] is not None)


def executor(workers: int, before_fork: Callable[[], None] | None = None) -> InProcess | ForkedPool:
    """Forked workers, or this process alone when there is one worker."""
    return ForkedPool(workers, before_fork) if workers > 1 else InProcess()
