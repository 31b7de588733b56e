"""The sources file (seeds/sources.yaml): one entry per outlet, validated with file:line errors."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENV_RE = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")
DEFAULT_ENV = {"WIREHOUSE_REPLAY_URL": "http://127.0.0.1:8765"}


class SourcesError(ValueError):
    """An invalid sources file; the message names the file and line."""


@dataclass(frozen=True)
class Politeness:
    download_delay: float = 1.0
    concurrency: int = 2
    obey_robots: bool = True
    download_timeout: float = 30.0  # seconds one response may take, headers to last byte
    autothrottle: bool = True  # slow down when the site slows down (Scrapy's AutoThrottle)


@dataclass(frozen=True)
class RequestSettings:
    """What every request of a source carries besides the defaults: extra headers, its own
    User-Agent, a proxy, cookies (a consent wall's). Secrets come only from ${ENV_VAR}s."""
    headers: tuple[tuple[str, str], ...] = ()
    user_agent: str | None = None
    proxy: str | None = None
    cookies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    rank: int
    domains: tuple[str, ...]
    article_urls: tuple[str, ...]
    language: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_pages: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    politeness: Politeness = field(default_factory=Politeness)
    drop_lines: tuple[str, ...] = ()
    cadence: str = "hourly"
    grace_minutes: int = 0  # also fetch what feeds and sitemaps date this long before the interval
    # How many `follow` links deep the crawl goes from a start page (a section's next pages, one after
    # another); a page that lists no article not yet requested in the run ends its chain sooner.
    section_depth: int = 1
    # Fetching from private, loopback or link-local addresses: False, True, or only these host names.
    allow_private_addresses: bool | tuple[str, ...] = False
    requests: RequestSettings = field(default_factory=RequestSettings)

    def is_article_url(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.article_urls)

    def should_follow(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.follow)


MAX_SECTION_DEPTH = 20  # section pages one after another: far past where a catch-up needs to go
_REQUIRED = {"name", "title", "rank", "domains", "article_urls"}
_LISTS = {"domains", "feeds", "sitemaps", "start_pages", "follow", "article_urls"}
_REGEX_LISTS = {"follow", "article_urls"}
_ALLOWED = _REQUIRED | _LISTS | {"language", "politeness", "cleaning", "cadence", "grace_minutes", "section_depth",
                                 "allow_private_addresses", "requests"}
# Each cadence is ingested by one DAG of dags/news_ingest.py: its dag_id and cron schedule.
CADENCES = {"hourly": ("news_ingest", "0 * * * *"), "daily": ("news_ingest_daily", "0 0 * * *")}
_POLITENESS = {"download_delay": (int, float), "concurrency": int, "obey_robots": bool,
               "download_timeout": (int, float), "autothrottle": bool}
_SWITCHES = {key for key, kind in _POLITENESS.items() if kind is bool}
_CLEANING = {"drop_lines"}
_REQUESTS = ("headers", "user_agent", "proxy", "cookies")
# Headers whose literal values would be credentials in the file: they must come from ${ENV_VAR}.
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie"}


def expand_env(text: str) -> str:
    def sub(m: re.Match) -> str:
        name, default = m.group(1), m.group(2)
        value = os.environ.get(name) or default or DEFAULT_ENV.get(name)
        if value is None:
            raise KeyError(name)
        return value.rstrip("/")

    return ENV_RE.sub(sub, text)


@dataclass(frozen=True)
class SourcesFile:
    sources: list[Source]
    # Set only in an offline replay's file: the logical date whose interval holds its articles.
    replay_logical_date: datetime | None = None


def load_sources(path: str | Path) -> list[Source]:
    return read_sources_file(path).sources


def read_sources_file(path: str | Path) -> SourcesFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read the sources file: {exc.strerror}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SourcesError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    return _Parser(path).file(root)


class _Parser:
    def __init__(self, path: Path):
        self.path = path

    def error(self, node: yaml.Node, message: str) -> SourcesError:
        return SourcesError(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping")
        return {k.value: v for k, v in node.value}

    def scalar(self, node: yaml.Node, what: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be a single value")
        return yaml.safe_load(yaml.serialize(node))

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} must be a list")
        values = []
        for item in node.value:
            value = self.scalar(item, what)
            if not isinstance(value, str) or not value:
                raise self.error(item, f"{what} entries must be non-empty strings")
            try:
                values.append(expand_env(value))
            except KeyError as exc:
                raise self.error(item, f"environment variable {exc.args[0]} is not set") from None
        return tuple(values)

    def regexes(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        values = self.strings(node, what)
        for item, value in zip(node.value, values):
            try:
                re.compile(value)
            except re.error as exc:
                raise self.error(item, f"{what}: bad regular expression {value!r}: {exc}") from None
        return values

    def file(self, root: yaml.Node | None) -> SourcesFile:
        if root is None:
            raise SourcesError(f"{self.path}:1: the file is empty; expected a 'sources:' list")
        top = self.mapping(root, "the file")
        unknown = set(top) - {"sources", "replay"}
        if unknown:
            raise self.error(root, f"unknown top-level key(s): {', '.join(sorted(unknown))} (allowed: replay, sources)")
        if "sources" not in top or not isinstance(top["sources"], yaml.SequenceNode):
            raise self.error(root, "expected a 'sources:' list")
        return SourcesFile(self.sources(top), self.replay(top["replay"]) if "replay" in top else None)

    def replay(self, node: yaml.Node) -> datetime:
        fields = self.mapping(node, "replay")
        if set(fields) != {"logical_date"}:
            raise self.error(node, "replay takes exactly one key: logical_date")
        value = self.scalar(fields["logical_date"], "replay.logical_date")
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise self.error(fields["logical_date"], "replay.logical_date must be an ISO 8601 time with an offset")
        return value

    def sources(self, top: dict[str, yaml.Node]) -> list[Source]:
        result, seen = [], {}
        for node in top["sources"].value:
            source = self.source(node)
            if source.name in seen:
                raise self.error(node, f"duplicate source name {source.name!r} (first at line {seen[source.name]})")
            seen[source.name] = node.start_mark.line + 1
            result.append(source)
        if not result:
            raise self.error(top["sources"], "the 'sources:' list is empty")
        return result

    def source(self, node: yaml.Node) -> Source:
        fields = self.mapping(node, "a source")
        label = f"source {self.scalar(fields['name'], 'name')!r}" if "name" in fields else "a source"
        for key, value in fields.items():
            if key not in _ALLOWED:
                raise self.error(value, f"{label}: unknown key {key!r} (allowed: {', '.join(sorted(_ALLOWED))})")
        missing = _REQUIRED - set(fields)
        if missing:
            raise self.error(node, f"{label}: missing required key(s): {', '.join(sorted(missing))}")
        kwargs: dict[str, Any] = {}
        for key, value in fields.items():
            what = f"{label}: {key}"
            if key in _REGEX_LISTS:
                kwargs[key] = self.regexes(value, what)
            elif key in _LISTS:
                kwargs[key] = self.strings(value, what)
            elif key == "politeness":
                kwargs[key] = self.politeness(value, what)
            elif key == "requests":
                kwargs[key] = self.requests(value, what)
            elif key == "cleaning":
                kwargs["drop_lines"] = self.cleaning(value, what)
            elif key == "allow_private_addresses":
                kwargs[key] = self.strings(value, what) if isinstance(value, yaml.SequenceNode) \
                    else self.scalar(value, what)
                if not isinstance(kwargs[key], (bool, tuple)) or kwargs[key] == ():
                    raise self.error(value, f"{what} must be true, false or a list of host names")
            else:
                kwargs[key] = self.scalar(value, what)
        if not NAME_RE.match(str(kwargs["name"])):
            raise self.error(fields["name"], f"{label}: name must match {NAME_RE.pattern}")
        if not isinstance(kwargs["rank"], int) or isinstance(kwargs["rank"], bool):
            raise self.error(fields["rank"], f"{label}: rank must be a whole number")
        if kwargs.get("cadence", "hourly") not in CADENCES:
            raise self.error(fields["cadence"], f"{label}: cadence must be one of {', '.join(CADENCES)}")
        grace = kwargs.get("grace_minutes", 0)
        if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
            raise self.error(fields["grace_minutes"], f"{label}: grace_minutes must be a whole number ≥ 0")
        depth = kwargs.get("section_depth", 1)
        if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_SECTION_DEPTH:
            raise self.error(fields["section_depth"], f"{label}: section_depth must be a whole number from 1 to "
                                                      f"{MAX_SECTION_DEPTH}")
        if not kwargs["domains"] or not kwargs["article_urls"]:
            raise self.error(node, f"{label}: domains and article_urls must not be empty")
        if not (kwargs.get("feeds") or kwargs.get("sitemaps") or kwargs.get("start_pages")):
            raise self.error(node, f"{label}: needs at least one of feeds, sitemaps, start_pages")
        return Source(**kwargs)

    def politeness(self, node: yaml.Node, what: str) -> Politeness:
        values = {}
        for key, value_node in self.mapping(node, what).items():
            if key not in _POLITENESS:
                raise self.error(value_node, f"{what}: unknown key {key!r} (allowed: {', '.join(_POLITENESS)})")
            value = self.scalar(value_node, f"{what}.{key}")
            if not isinstance(value, _POLITENESS[key]) or (key not in _SWITCHES and isinstance(value, bool)):
                raise self.error(value_node, f"{what}.{key}: wrong type {type(value).__name__}")
            values[key] = value
        return Politeness(**values)

    def env_string(self, node: yaml.Node, what: str) -> tuple[str, str]:
        """(the value as written, the value with ${ENV_VAR}s expanded)."""
        raw = self.scalar(node, what)
        if not isinstance(raw, str) or not raw:
            raise self.error(node, f"{what} must be a non-empty string")
        try:
            return raw, expand_env(raw)
        except KeyError as exc:
            raise self.error(node, f"{what}: environment variable {exc.args[0]} is not set") from None

    def string_map(self, node: yaml.Node, what: str, secret_keys: set[str]) -> tuple[tuple[str, str], ...]:
        pairs = []
        for key, value_node in self.mapping(node, what).items():
            raw, value = self.env_string(value_node, f"{what}.{key}")
            if str(key).lower() in secret_keys and not ENV_RE.search(raw):
                raise self.error(value_node, f"{what}.{key}: a credential must come from the environment,"
                                             f" e.g. '${{MY_{str(key).upper().replace('-', '_')}}}', not the file")
            pairs.append((str(key), value))
        return tuple(pairs)

    def requests(self, node: yaml.Node, what: str) -> RequestSettings:
        values: dict[str, Any] = {}
        for key, value_node in self.mapping(node, what).items():
            if key not in _REQUESTS:
                raise self.error(value_node, f"{what}: unknown key {key!r} (allowed: {', '.join(_REQUESTS)})")
            if key in ("headers", "cookies"):
                values[key] = self.string_map(value_node, f"{what}.{key}",
                                              _SECRET_HEADERS if key == "headers" else set())
                continue
            raw, values[key] = self.env_string(value_node, f"{what}.{key}")
            if key == "proxy":
                userinfo = raw.rpartition("@")[0].partition("://")[2] if "@" in raw else ""
                if userinfo and not ENV_RE.search(userinfo):
                    raise self.error(value_node, f"{what}.proxy: proxy credentials must come from the environment,"
                                                 " e.g. 'http://${PROXY_USER}:${PROXY_PASSWORD}@proxy:3128'")
        return RequestSettings(**values)

    def cleaning(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        fields = self.mapping(node, what)
        for key, value_node in fields.items():
            if key not in _CLEANING:
                raise self.error(value_node, f"{what}: unknown key {key!r} (allowed: drop_lines)")
        return self.regexes(fields["drop_lines"], f"{what}.drop_lines") if "drop_lines" in fields else ()


def source_by_name(sources: list[Source], name: str) -> Source:
    for source in sources:
        if source.name == name:
            return source
    raise SourcesError(f"no source named {name!r}; known: {', '.join(s.name for s in sources)}")
