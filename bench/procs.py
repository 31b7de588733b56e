"""Memory and CPU of a process tree, sampled from /proc (Linux) while a benchmark runs.

    with TreeSampler(exclude=server.pids) as tree:
        run_the_pipeline()
    tree.peak_rss, tree.cpu_seconds("scrapers.crawl")

Every SAMPLE_SECONDS the sampler walks the descendants of this process (except the
excluded subtrees: the benchmark's own web server) and sums their resident set sizes; the
peak of that sum is `peak_rss`. Forked workers share most of their pages with their parent,
which RSS counts in each: `peak_pss` is the same peak of proportional set sizes (each shared
page split between its sharers), what the tree really holds. PSS is read every PSS_EVERY-th
sample only (once a second): the kernel walks a process's page tables to sum it, and read every
0.1 s it cost this process 12 % of a core during the 1k end-to-end run (top), taken from the
stages being measured; sampling every 0.1 s with PSS once a second still cost 3 %. It also keeps each process's last seen CPU time, so the CPU of the
processes whose command line contains a word can be summed afterwards (a process's last
SAMPLE_SECONDS before it exits are missed).
"""
from __future__ import annotations

import os
import threading

SAMPLE_SECONDS = 0.25
PSS_EVERY = 4
_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of a process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is the state (field 3 of stat): ppid is field 4, utime 14, stime 15, rss 24
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS, int(fields[21]) * _PAGE


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class TreeSampler(threading.Thread):
    def __init__(self, root: int | None = None, exclude: list[int] = ()):
        super().__init__(name="tree-sampler", daemon=True)
        self.root = root or os.getpid()
        self.exclude = set(exclude)
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.samples = 0
        self.cpu: dict[int, float] = {}
        self.commands: dict[int, str] = {}
        self._done = threading.Event()

    def sample(self, pss: bool | None = None) -> None:
        with_pss = self.samples % PSS_EVERY == 0 if pss is None else pss
        self.samples += 1
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _stat(int(entry))) is not None:
                stats[int(entry)] = stat
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid in self.exclude:
                continue
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        rss = pss = 0
        for pid in tree:
            if pid in stats:
                rss += stats[pid][2]
                pss += _pss(pid) if with_pss else 0
                self.cpu[pid] = stats[pid][1]
                if pid not in self.commands:
                    self.commands[pid] = _cmdline(pid)
        self.peak_rss = max(self.peak_rss, rss)
        if with_pss:
            self.peak_pss = max(self.peak_pss, pss)
        self.peak_processes = max(self.peak_processes, len(tree))

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.sample()

    def cpu_seconds(self, word: str) -> float:
        return sum(cpu for pid, cpu in self.cpu.items() if word in self.commands.get(pid, ""))

    def __enter__(self) -> "TreeSampler":
        self.sample()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self.join()
        self.sample(pss=True)
