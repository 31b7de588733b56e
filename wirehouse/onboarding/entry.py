"""A new source entry: its name, its YAML, and writing it into a sources file that still validates."""
from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from scrapers.middlewares import is_public
from wirehouse.sources import NAME_RE, SourcesError, read_sources_file


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    rank: int
    language: str | None
    domains: tuple[str, ...]
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    start_pages: tuple[str, ...]
    follow: tuple[str, ...]
    article_urls: tuple[str, ...]
    cadence: str
    allow_private_addresses: bool
    download_delay: float
    concurrency: int
    comment: str
    section_depth: int = 1

    def as_yaml(self, indent: int = 2) -> str:
        data = {"name": self.name, "title": self.title, "rank": self.rank}
        if self.language:
            data["language"] = self.language
        data["domains"] = list(self.domains)
        for key in ("feeds", "sitemaps", "start_pages", "follow", "article_urls"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.section_depth > 1:
            data["section_depth"] = self.section_depth
        data["cadence"] = self.cadence
        if self.allow_private_addresses:
            data["allow_private_addresses"] = True
        data["politeness"] = {"download_delay": self.download_delay, "concurrency": self.concurrency,
                              "obey_robots": True}
        body = yaml.safe_dump([data], sort_keys=False, default_flow_style=None, allow_unicode=True, width=10_000)
        pad = " " * indent
        return f"{pad}# {self.comment}\n" + "".join(pad + line + "\n" for line in body.splitlines())


def is_private_host(host: str) -> bool:
    """Whether the crawl's private-address guard would refuse this host (an address literal judged by
    the guard's own rule), so the entry must allow it."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not is_public(address)


def default_name(url: str, prefix: str, taken: set[str]) -> str:
    """From the host's registered name (example_times for www.example-times.com) and the outlet's
    path prefix (kyivpost for http://127.0.0.1:8765/kyivpost/), unique among taken."""
    parts = urlsplit(url)
    host = parts.hostname or "source"
    labels = host.split(".")
    if is_private_host(host) or labels[-1].isdigit():
        host_part = ""
    else:
        labels = [label for label in labels if label not in ("www", "m", "amp")]
        host_part = labels[-2] if len(labels) >= 2 else labels[0]
    path_part = "_".join(s for s in prefix.split("/") if s)
    name = "_".join(p for p in (host_part, path_part) if p) or "local_" + host
    name = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = "s_" + name
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    assert NAME_RE.match(candidate)
    return candidate


def existing(path: Path) -> tuple[set[str], int]:
    """The names already in a sources file and the rank after its highest; ({}, 10) without a file."""
    if not path.exists():
        return set(), 10
    sources = read_sources_file(path).sources
    return {s.name for s in sources}, max(s.rank for s in sources) + 1


def single_file(entry: Entry) -> str:
    return "sources:\n" + entry.as_yaml()


def append(path: Path, entry: Entry) -> None:
    """Adds the entry at the end of the file's `sources:` list; the result must validate, else
    the file is left as it was."""
    if not path.exists():
        text = single_file(entry)
    else:
        text = path.read_text(encoding="utf-8")
        sources = {k.value: v for k, v in yaml.compose(text, Loader=yaml.SafeLoader).value}["sources"]
        indent = max(sources.value[0].start_mark.column - 2, 0) if sources.value else 2
        at = sources.end_mark.index
        before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        text = before + "\n" + entry.as_yaml(indent) + text[at:]
    fd, temp = tempfile.mkstemp(prefix=".sources-", suffix=".yaml", dir=path.parent if path.parent.exists() else None)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        read_sources_file(temp)
    except SourcesError as exc:
        os.unlink(temp)
        raise SourcesError(f"the new entry would not validate, {path} unchanged: {exc}") from None
    os.replace(temp, path)
