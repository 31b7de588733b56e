"""The `wirehouse` command: what a person does by hand."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from wirehouse.config import settings
from wirehouse.onboarding import OnboardingError
from wirehouse.sources import NAME_RE, SourcesError


OFFLINE_HINT = ("Is this machine offline? The offline replay works without network:"
                " WIREHOUSE_SOURCES=seeds/replay.yaml make run")


def cmd_run(args) -> int:
    from wirehouse.ingest import Offline, run_ingest
    from wirehouse.runs import WindowError, catch_up_window

    only = None
    if args.sources and (os.path.isfile(args.sources) or args.sources.endswith((".yaml", ".yml"))):
        args.sources_file = args.sources_file or args.sources
    elif args.sources:
        only = [name.strip() for name in args.sources.split(",") if name.strip()]
    if args.sources_file:
        os.environ["WIREHOUSE_SOURCES"] = args.sources_file
    window = None
    if args.start or args.end:
        try:
            window = catch_up_window(args.start, args.end, datetime.now(timezone.utc))
        except WindowError as exc:
            print(f"wirehouse run: {exc}", file=sys.stderr)
            return 2
    try:
        summaries = run_ingest(args.logical_date, window=window, only=only)
    except Offline as exc:
        print(f"wirehouse run: no source can be reached, nothing was run:\n{exc}\n{OFFLINE_HINT}", file=sys.stderr)
        return 1
    for summary in summaries:
        print(f"wirehouse run {summary.dag_run_id}")
        for line in summary.lines():
            print(f"  {line}")
    print(f"Airflow log: {summaries[0].log_file}")
    print("Query the warehouse: .venv/bin/wirehouse psql   (e.g. select title, source from warehouse.articles;)")
    failed = [s for summary in summaries for s in summary.failed]
    if failed and len(failed) == sum(len(summary.sources) for summary in summaries):
        print(f"No source could be fetched. {OFFLINE_HINT}", file=sys.stderr)
    return 1 if failed or not any(summary.sources for summary in summaries) else 0


def cmd_airflow(args) -> int:
    """Airflow standalone (api-server, scheduler, dag-processor, triggerer) with the project's DAGs."""
    from wirehouse.airflow_env import migrate_metadata, run_standalone, standalone_env
    from wirehouse.config import settings
    from wirehouse.db import connect
    from wirehouse.migrate import migrate

    with connect(autocommit=True) as conn:
        migrate(conn)
    env, password = standalone_env(args.port, host=args.host)
    migrate_metadata(env, settings().state_dir / "logs" / "airflow-db-migrate.log")
    print(f"Airflow UI: http://{'localhost' if args.host == '127.0.0.1' else args.host}:{args.port}"
          f"   user: admin   password: {password}")
    print(f"Sources: {settings().sources_file}   (DAGs start paused: unpause news_ingest in the UI)")
    sys.stdout.flush()
    return run_standalone(env)


def cmd_migrate(args) -> int:
    from wirehouse.db import connect
    from wirehouse.migrate import migrate

    with connect(autocommit=True) as conn:
        applied = migrate(conn)
    print(f"applied {len(applied)} migration(s): {', '.join(f'{m.version:03d}_{m.name}' for m in applied) or 'none'}")
    return 0


def cmd_extract(args) -> int:
    from extract.cli import extract_files

    failed = 0
    for result in extract_files(args.files):
        failed += "error" in result
        print(json.dumps(result, ensure_ascii=False))
    return 1 if failed else 0


def cmd_replay(args) -> int:
    from wirehouse.replay import main

    return main(["--host", args.host, "--port", str(args.port)])


def cmd_sources_add(args) -> int:
    from wirehouse.onboarding.add import propose
    from wirehouse.onboarding.entry import append, existing, single_file
    from wirehouse.onboarding.preview import table

    path = Path(args.file) if args.file else settings().sources_file
    try:
        taken, rank = existing(path)
    except SourcesError:
        if not args.dry_run:
            raise
        taken, rank = set(), 10  # a dry run writes a file of its own
    if args.name and (not NAME_RE.match(args.name) or args.name in taken):
        raise SourcesError(f"--name {args.name!r} must match {NAME_RE.pattern} and not be taken in {path}")
    print(f"reading {args.url} …", file=sys.stderr)
    from wirehouse.onboarding.fetch import Fetcher

    proposal = propose(args.url, Fetcher(settings().user_agent), args.name, taken, rank, args.sample)
    entry, found = proposal.entry, proposal.discovery
    print(f"feeds: {len(entry.feeds)}  sitemaps: {len(entry.sitemaps)}  section pages: {len(found.sections)}"
          f"  listed URLs: {len(found.listed)}  robots.txt Crawl-delay: {found.robots.crawl_delay or 'none'}"
          f"  language: {entry.language or '?'}", file=sys.stderr)
    print(table(proposal.rows), file=sys.stderr)
    print(f"one {entry.cadence} interval would fetch about {proposal.interval_fetches} URLs"
          f" ({proposal.interval_articles} articles the listings date in their latest"
          f" {'hour' if entry.cadence == 'hourly' else 'day'}, plus feeds, sitemaps and section pages)",
          file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(single_file(entry))
        return 0
    append(path, entry)
    print(f"added source {entry.name!r} to {path}", file=sys.stderr)
    return 0


def cmd_sources_check(args) -> int:
    from wirehouse.onboarding.check import check_source, table
    from wirehouse.sources import load_sources, source_by_name

    sources = load_sources(Path(args.file) if args.file else settings().sources_file)
    chosen = [source_by_name(sources, name) for name in args.names] if args.names else sources
    from wirehouse.onboarding.fetch import Fetcher

    verdicts = [check_source(source, Fetcher.for_source(source.requests, settings().user_agent)) for source in chosen]
    print(table(verdicts))
    return 0 if all(v.ok for v in verdicts) else 1


def cmd_stats(args) -> int:
    from wirehouse.stats import print_stats

    return print_stats()


def cmd_prune(args) -> int:
    from wirehouse.config import settings
    from wirehouse.db import connect
    from wirehouse.migrate import migrate
    from wirehouse.retention import RetentionError, prune

    now = args.now or datetime.now(timezone.utc)
    try:
        config = settings()
        with connect(autocommit=True) as conn:
            migrate(conn)
            report = prune(conn, now, config, dry_run=args.dry_run)
    except (RetentionError, ValueError) as exc:
        print(f"wirehouse prune: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


def cmd_reclean(args) -> int:
    from wirehouse.reclean import run_reclean

    try:
        report = run_reclean(datetime.now(timezone.utc), args.since, args.source, args.dry_run)
    except ValueError as exc:
        print(f"wirehouse reclean: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


def cmd_health(args) -> int:
    from wirehouse.db import connect
    from wirehouse.health import source_health, table
    from wirehouse.sources import load_sources

    config = settings()
    names = args.source or [s.name for s in load_sources(config.sources_file)]
    day = args.day or datetime.now(timezone.utc).date() - timedelta(days=1)
    with connect() as conn:
        judged = source_health(conn, day, config.health_history_days, names, args.days)
    print(table(judged, config.health_history_days))
    return 1 if any(h.needs_attention for h in judged) else 0


def cmd_psql(args) -> int:
    from wirehouse.db import database_url

    psql = shutil.which("psql")
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql"
        psql = str(bundled) if bundled.exists() else psql
    except ImportError:
        pass
    url, env = without_password(database_url())
    if psql is None:
        print(f"psql not found; connect any client to: {url} (the password is in WIREHOUSE_DATABASE_URL)",
              file=sys.stderr)
        return 1
    # The password goes to psql through its environment, never its command line (which `ps` shows).
    os.execve(psql, [psql, url, *args.psql_args], env)


def without_password(url: str) -> tuple[str, dict[str, str]]:
    """url without its password, and an environment that passes the password to libpq as PGPASSWORD."""
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(url)
    env = dict(os.environ)
    password = info.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    return psycopg.conninfo.make_conninfo(**info), env


def _aware(value: str) -> datetime:
    """An ISO 8601 time; without an offset, UTC."""
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, not {text!r}")
    return int(text)


def _sources_parser(commands) -> None:
    sources = commands.add_parser("sources", help="add a source from its home page; check the configured ones")
    actions = sources.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="discover an outlet's feeds, sitemaps and article URLs; add it")
    add.add_argument("url", help="the outlet's home (or section) page")
    add.add_argument("--name", help="the source's name (default: from the host and path)")
    add.add_argument("--file", help="sources file (default: $WIREHOUSE_SOURCES or seeds/sources.yaml)")
    add.add_argument("--dry-run", action="store_true", help="print a sources file with just this source on stdout")
    add.add_argument("--sample", type=_positive, default=10, metavar="N", help="articles to fetch and extract (10)")
    add.set_defaults(func=cmd_sources_add)
    check = actions.add_parser("check", help="live check of feeds, sitemaps, article URLs and extraction")
    check.add_argument("names", nargs="*", metavar="NAME")
    check.add_argument("--file", help="sources file (default: $WIREHOUSE_SOURCES or seeds/sources.yaml)")
    check.set_defaults(func=cmd_sources_check)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wirehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="one full ingest over the sources file, through the DAG")
    run.add_argument("--sources", help="only these sources, comma-separated (a file name here is read as"
                                       " --sources-file, as before)")
    run.add_argument("--sources-file", help="sources file (default: $WIREHOUSE_SOURCES or seeds/sources.yaml)")
    run.add_argument("--logical-date", type=datetime.fromisoformat,
                     help="ingest the hour before this time (default: now, or the replay's date)")
    run.add_argument("--from", dest="start", type=_aware,
                     help="catch up: one run over [FROM, TO) instead of one interval (ISO date, UTC)")
    run.add_argument("--to", dest="end", type=_aware, help="end of the catch-up window (default: now)")
    run.set_defaults(func=cmd_run)

    commands.add_parser("migrate", help="apply pending SQL migrations").set_defaults(func=cmd_migrate)

    airflow = commands.add_parser("airflow", help="Airflow standalone with the DAGs, UI on http://localhost:8080")
    airflow.add_argument("--port", type=int, default=8080)
    airflow.add_argument("--host", default="127.0.0.1",
                         help="address the UI listens on (default: this machine only; 0.0.0.0: every interface)")
    airflow.set_defaults(func=cmd_airflow)

    extract = commands.add_parser("extract", help="extract articles from HTML files, one JSON line each")
    extract.add_argument("files", nargs="+")
    extract.set_defaults(func=cmd_extract)

    replay = commands.add_parser("replay", help="serve the offline replay of the seed outlets")
    replay.add_argument("--host", default="127.0.0.1")
    replay.add_argument("--port", type=int, default=8765)
    replay.set_defaults(func=cmd_replay)

    _sources_parser(commands)

    commands.add_parser("stats", help="warehouse counts and per-run accounting").set_defaults(func=cmd_stats)

    prune = commands.add_parser(
        "prune", help="drop raw pages, dedup anchors and ops history past retention (never warehouse.*)")
    prune.add_argument("--dry-run", action="store_true", help="report what would be freed, change nothing")
    prune.add_argument("--now", type=_aware, help="prune as of this time (ISO 8601; default: the clock)")
    prune.set_defaults(func=cmd_prune)

    reclean = commands.add_parser(
        "reclean", help="re-extract stored pages with the current extractor; update articles in place")
    reclean.add_argument("--since", type=_aware, help="only pages fetched at or after this date (ISO 8601)")
    reclean.add_argument("--source", help="only this source's articles")
    reclean.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    reclean.set_defaults(func=cmd_reclean)

    health = commands.add_parser(
        "health", help="each source's verdict (ok, warn, needs attention) and why; exit 1 when one needs attention")
    health.add_argument("--day", type=date.fromisoformat, help="the UTC day to judge (default: yesterday, as the DAG)")
    health.add_argument("--days", type=_positive, default=1, metavar="N", help="judge the N days ending --day (1)")
    health.add_argument("--source", action="append", metavar="NAME",
                        help="judge this source (repeatable; default: every source of the sources file)")
    health.set_defaults(func=cmd_health)

    psql = commands.add_parser("psql", help="open psql on the warehouse")
    psql.add_argument("psql_args", nargs=argparse.REMAINDER)
    psql.set_defaults(func=cmd_psql)

    args, extra = parser.parse_known_args(argv)
    if args.command == "psql":  # everything after `psql` is psql's, options too (`wirehouse psql -c '...'`)
        args.psql_args = [*extra, *args.psql_args]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except (SourcesError, OnboardingError) as exc:
        print(f"wirehouse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
