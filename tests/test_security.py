"""Security: scraped text is data, never SQL; credentials stay out of the repository, output and
command lines; wirehouse_reader can read the warehouse and change nothing."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import time
import unicodedata
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.stages import REPLAY_DAY, PageSite, ingest_interval, rss, sources_with
from wirehouse.config import PROJECT_ROOT

# -- scraped text is stored as data --------------------------------------------------------

INJECTION = "Robert'); DROP TABLE warehouse.articles; --"
ODD = "quotes ' \" `, backslashes \\ \\\\ \\x00, $$ dollar $$, %s %(x)s {} {0}, \u202eRTL\u202c مرحبا, emoji 😀👩‍👩‍👧"
BODY = " ".join(f"Sentence {i} of the report: {INJECTION} and {ODD}." for i in range(25))


def page(title: str, body: str, head: str = "") -> bytes:
    return (f"<html lang='en'><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>").encode("utf-8", "surrogatepass")


JSON_LD = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Escapes",'
           ' "author": {"name": "Ann\\u0000 Lee\\ud800"}, "description": "nul\\u0000 here"}</script>')
PAGES = {
    "/hostile/news/drop%27%3B%20DROP%20TABLE%20raw.pages%3B--": (200, "text/html; charset=utf-8",
                                                                   page(INJECTION, BODY)),
    "/hostile/news/escapes": (200, "text/html; charset=utf-8", page("Escapes", "Other words. " * 90, JSON_LD)),
    "/hostile/news/nul-bytes": (200, "text/html", page("Nul", "zero \x00 bytes " * 60)),
    "/hostile/news/bad-utf8": (200, "text/html; charset=utf-8",
                               page("Bad bytes", "invalid UTF-8 follows: BYTES. " + "More words in the page. " * 30)
                               .replace(b"BYTES", b"\xff\xfe\xc3(")),
}


def visible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


@pytest.fixture
def hostile_outlet(tmp_path, replay_sources, monkeypatch):
    with PageSite(PAGES) as site:
        PAGES["/hostile/feed.xml"] = (200, "application/rss+xml", rss(
            [(site.base_url + path, REPLAY_DAY.start.replace(hour=12)) for path in PAGES if "/news/" in path]))
        path = sources_with(tmp_path, "hostile", [f"{site.base_url}/hostile/feed.xml"], [r"/hostile/news/"])
        monkeypatch.setenv("WIREHOUSE_SOURCES", str(path))
        yield "hostile"


def test_scraped_sql_quotes_nul_bytes_and_invalid_unicode_are_data(warehouse_db, hostile_outlet):
    ingest_interval(REPLAY_DAY, [hostile_outlet])
    with psycopg.connect(warehouse_db) as conn:
        tables = conn.execute("select to_regclass('warehouse.articles'), to_regclass('raw.pages')").fetchone()
        articles = {url.rsplit("/", 1)[1]: (title, authors, description, text) for url, title, authors, description, text
                    in conn.execute("select canonical_url, title, authors, description, text from warehouse.articles")}
        outcomes = dict(conn.execute("select url, outcome from ops.page_outcomes"
                                     " where url like '%/news/%'").fetchall())
        balanced = conn.execute("select bool_and(balanced) from ops.run_accounting").fetchone()[0]
    assert tables == ("warehouse.articles", "raw.pages")
    (drop,) = [a for path, a in articles.items() if path.startswith("drop'")]
    # (extraction drops invisible format characters: the RTL override, zero-width joiners)
    assert drop[0] == INJECTION and INJECTION in drop[3] and visible(ODD) in drop[3]
    # JSON-LD escapes that PostgreSQL text cannot hold: NUL dropped, a lone surrogate replaced
    assert articles["escapes"][1:3] == (["Ann Lee\ufffd"], "nul here")
    assert "\ufffd" in articles["bad-utf8"][3]  # undecodable bytes are replaced, as browsers do
    # raw NUL bytes in a page: not an article (or a reject), with its reason; never a failed run
    assert next(o for u, o in outcomes.items() if u.endswith("nul-bytes")) in ("not_article", "rejected")
    assert len(outcomes) == 4 and balanced


# -- no SQL is built from values -----------------------------------------------------------

SQL_CALLS = {"execute", "executemany", "copy", "cursor_execute"}
RUNTIME_CODE = ["wirehouse", "scrapers", "extract", "dags"]


class SqlBuiltFromValues(ast.NodeVisitor):
    """Finds SQL passed to execute/executemany/copy that is built (f-string, %, .format, +) from
    anything but constants: string literals, UPPER_CASE module constants, loop variables over
    literal tuples or such constants, and psycopg.sql composition (which quotes identifiers).
    SQL read from the repository's .sql files (`.read_text()`) counts as a constant."""

    def __init__(self):
        self.problems: list[tuple[int, str]] = []
        self.safe_names: set[str] = set()

    def visit_Module(self, node):
        for stmt in node.body:  # module constants first, wherever they are used
            if isinstance(stmt, ast.Assign) and self.safe(stmt.value):
                self.safe_names |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        saved = set(self.safe_names)
        assigned: dict[str, list[ast.AST]] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(sub.value)
            elif isinstance(sub, (ast.For, ast.comprehension)) and isinstance(sub.target, ast.Name):
                assigned.setdefault(sub.target.id, []).append(ast.Tuple(elts=[], ctx=ast.Load())
                                                              if self.safe(sub.iter) else sub.target)
        for _ in range(3):  # names assigned from names assigned from constants
            self.safe_names |= {name for name, values in assigned.items() if all(self.safe(v) for v in values)}
        self.generic_visit(node)
        self.safe_names = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS and node.args:
            if not self.safe(node.args[0]):
                self.problems.append((node.lineno, ast.unparse(node.args[0])[:120]))
        self.generic_visit(node)

    def safe(self, node) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.safe_names or node.id.isupper()
        if isinstance(node, ast.Attribute):  # a constant, or a named query of a constant registry (Q.name)
            return node.attr.isupper() or isinstance(node.value, ast.Name) and node.value.id.isupper()
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return self.safe(node.left) and self.safe(node.right)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.safe(e) for e in node.elts)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            return all(self.safe(g.iter) for g in node.generators) and self.safe_with(node)
        if isinstance(node, ast.Subscript):
            return self.safe(node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, method = node.func.value, node.func.attr
            if self.is_psycopg_sql(owner) or (method == "format" and self.is_psycopg_sql_call(owner)):
                return True
            if method == "read_text":
                return True
            if method in ("join", "format", "items", "keys", "values", "strip"):
                return self.safe(owner) and all(self.safe(a) for a in node.args)
        return False

    def safe_with(self, comp) -> bool:
        names = {g.target.id for g in comp.generators if isinstance(g.target, ast.Name)}
        saved = set(self.safe_names)
        self.safe_names |= names
        try:
            return self.safe(comp.elt)
        finally:
            self.safe_names = saved

    @staticmethod
    def is_psycopg_sql(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "sql" or isinstance(node, ast.Name) and node.id == "sql"

    def is_psycopg_sql_call(self, node) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and self.is_psycopg_sql(
            node.func.value)


def sql_problems(source: str) -> list[tuple[int, str]]:
    checker = SqlBuiltFromValues()
    checker.visit(ast.parse(source))
    return checker.problems


def test_the_sql_check_catches_values_in_sql():
    bad = '''
def store(conn, url, title, n):
    conn.execute(f"insert into t values ('{url}')")
    conn.execute("select * from t where title = '%s'" % title)
    conn.execute("select * from t where id = {}".format(n))
    query = "delete from t where url = '" + url + "'"
    conn.execute(query)
    for name in names_from_the_page:
        conn.execute(f"drop table {name}")
'''
    assert [line for line, _ in sql_problems(bad)] == [3, 4, 5, 7, 9]
    good = '''
from psycopg import sql
TABLES = ("a", "b")
COLUMNS = ("x", "y")
def read(conn, url, name):
    conn.execute("select * from t where url = %s", (url,))
    for table in TABLES:
        conn.execute(f"select count(*) from {table}")
    for table in ("warehouse.articles", "ops.runs"):
        conn.execute(f"update {table} set x = %s", (url,))
    select = "select x from t where y = any(%s)"
    conn.execute(select, ([url],))
    conn.execute(f"copy t ({', '.join(COLUMNS)}) from stdin")
    conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
'''
    assert sql_problems(good) == []


def test_no_sql_in_the_code_is_built_from_values():
    files = [p for d in RUNTIME_CODE for p in sorted((PROJECT_ROOT / d).rglob("*.py"))]
    assert len(files) > 20
    problems = [f"{path.relative_to(PROJECT_ROOT)}:{line}: {text}"
                for path in files for line, text in sql_problems(path.read_text())]
    assert problems == []


# -- the read-only role --------------------------------------------------------------------

@pytest.fixture
def reader_login(warehouse_db, pg_server):
    """A login role that is a member of wirehouse_reader, the way the README tells people to make one."""
    name = f"wh_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("create role {} login in role wirehouse_reader").format(
            psycopg.sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(warehouse_db)
    yield psycopg.conninfo.make_conninfo(**{**info, "user": name})
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("drop role {}").format(psycopg.sql.Identifier(name)))


def test_the_reader_role_reads_the_warehouse_and_changes_nothing(warehouse_db, reader_login):
    with psycopg.connect(warehouse_db, autocommit=True) as owner:
        owner.execute("insert into warehouse.articles (source, canonical_url, text, word_count, content_hash,"
                      " first_seen_at, last_seen_at) values ('s', 'https://s.example/a', 'text', 1, 'h', now(), now())")
        # a table added by a later migration is readable too (default privileges)
        owner.execute("create table warehouse.later_table (x int)")
    writes = [
        "insert into warehouse.articles (source, canonical_url, text, word_count, content_hash, first_seen_at,"
        " last_seen_at) values ('s', 'https://s.example/b', 't', 1, 'h', now(), now())",
        "update warehouse.articles set title = 'x'",
        "delete from warehouse.articles",
        "truncate warehouse.article_urls",
        "create table warehouse.mine (x int)",
        "create table public.mine (x int)",
        "drop table warehouse.article_versions",
        "insert into warehouse.later_table values (1)",
        "select count(*) from raw.pages",
        "select count(*) from ops.rejects",
        "select count(*) from stage.articles",
        "select count(*) from ops.runs",
    ]
    with psycopg.connect(reader_login, autocommit=True) as conn:
        assert conn.execute("select count(*) from warehouse.articles").fetchone() == (1,)
        for view_or_table in ("warehouse.stories", "warehouse.article_copies", "warehouse.article_versions",
                              "warehouse.article_urls", "warehouse.later_table"):
            conn.execute(f"select * from {view_or_table}").fetchall()
        hits = conn.execute("select count(*) from warehouse.articles"
                            " where search @@ websearch_to_tsquery('english', 'text')").fetchone()[0]
        assert hits == 1
        for statement in writes:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
    with psycopg.connect(warehouse_db) as owner:
        assert owner.execute("select count(*), bool_and(title is null) from warehouse.articles").fetchone() == (1, True)


def test_the_reader_role_is_made_once_per_server(warehouse_db, blank_db):
    """Roles belong to the server: migrating a second database on it finds the role and grants again."""
    from wirehouse.migrate import migrate

    with psycopg.connect(blank_db, autocommit=True) as conn:
        migrate(conn)
        grants = conn.execute("select has_table_privilege('wirehouse_reader', 'warehouse.articles', 'select'),"
                              " has_table_privilege('wirehouse_reader', 'warehouse.articles', 'insert'),"
                              " has_schema_privilege('wirehouse_reader', 'raw', 'usage'),"
                              " (select rolcanlogin from pg_roles where rolname = 'wirehouse_reader')").fetchone()
    assert grants == (True, False, False, False)


# -- credentials ---------------------------------------------------------------------------

# user:password@ in a URL whose user and password are not ${VARIABLE} expansions
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^\s/:@'\"${}]+:(?!\$\{)([^\s@/'\"]+)@", re.I)
# a credential-named key given a literal: `password = "..."`, `"api_token": "..."` (code, JSON) or
# `DB_PASSWORD: value` (YAML, env files); a ${VARIABLE} expansion or a value computed in code is fine.
SECRET_KEY = r"(?<![{\w-])[\w-]*(?:password|passwd|secret|token|api_key)"
ASSIGNED_SECRET = re.compile(
    rf"""(?ix){SECRET_KEY}["']?\s*[:=]\s*(?:["']([^"'$]{{4,}})["']|(?!["'$]|os\.|env)([^\s"',()]{{6,}})\s*$)""")
# a credential-named ${VARIABLE:-default} or ${VARIABLE-default}: a default is a credential in the repository
SECRET_DEFAULT = re.compile(r"\$\{\w*(?:password|passwd|secret|token|api_key|fernet)\w*:?-[^}]", re.I)
DOCS = {".md"}  # documentation may show an example, against example hosts only


def test_no_credentials_in_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    found = []
    for name in files:
        path = PROJECT_ROOT / name
        if name in ("uv.lock", "docker/compose-spec.json") or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#") and path.suffix not in DOCS:
                continue  # commented-out examples in env files and scripts
            for match in URL_PASSWORD.finditer(line):
                if path.suffix in DOCS and re.search(r"@(host|db\.example\.(org|com))\b", line):
                    continue
                found.append(f"{name}:{number}: {match.group(0)}")
            found += [f"{name}:{number}: {match.group(0)}" for match in ASSIGNED_SECRET.finditer(line)]
            found += [f"{name}:{number}: {match.group(0)}" for match in SECRET_DEFAULT.finditer(line)]
    assert found == []


def test_the_credentials_check_finds_what_it_looks_for():
    # the examples are put together here so that this file holds none of them on one line
    assert URL_PASSWORD.search("WIREHOUSE_DATABASE_URL=postgresql://wirehouse:" + "hunter22@db:5432/w")
    assert not URL_PASSWORD.search("postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD:?set it}@postgres:5432/w")
    assert ASSIGNED_SECRET.search("pass" + 'word = "hunter22"') and ASSIGNED_SECRET.search("api_tok" + "en: abcdef123")
    assert ASSIGNED_SECRET.search("POSTGRES_PASS" + "WORD=wirehouse")
    assert not ASSIGNED_SECRET.search("pass" + 'word = os.environ["PGPASSWORD"]')
    assert not ASSIGNED_SECRET.search("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}")
    assert SECRET_DEFAULT.search("POSTGRES_PASSWORD: ${POSTGRES_PASS" + "WORD:-laptop}")
    assert SECRET_DEFAULT.search("${AIRFLOW_FERNET" + "_KEY-abc}") and not SECRET_DEFAULT.search("${POSTGRES_USER:-wirehouse}")


def wirehouse(args: list[str], url: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "WIREHOUSE_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "wirehouse.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, **kwargs)


def with_password(url: str, password: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return psycopg.conninfo.make_conninfo(**{**info, "password": password})


def test_the_database_password_never_appears_in_output(warehouse_db, unused_port):
    secret = f"pw-{uuid.uuid4().hex}"
    url = with_password(warehouse_db, secret)  # the test server trusts local connections: any password works
    down = with_password(f"postgresql://wirehouse@127.0.0.1:{unused_port}/wirehouse", secret)
    runs = [wirehouse(["migrate"], url), wirehouse(["stats"], url), wirehouse(["psql", "-c", "\\conninfo"], url),
            wirehouse(["stats"], down), wirehouse(["migrate"], down)]
    assert [r.returncode == 0 for r in runs] == [True, True, True, False, False]
    for run in runs:
        assert secret not in run.stdout + run.stderr


def test_psql_gets_the_password_through_its_environment_not_its_command_line(warehouse_db):
    secret = f"pw-{uuid.uuid4().hex}"
    env = {**os.environ, "WIREHOUSE_DATABASE_URL": with_password(warehouse_db, secret)}
    process = subprocess.Popen([sys.executable, "-m", "wirehouse.cli", "psql", "-c", "select pg_sleep(30)"],
                               env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cmdline = b""
        for _ in range(200):  # until the CLI has exec'd psql
            cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
            if b"psql" in cmdline.split(b"\0")[0]:
                break
            time.sleep(0.1)
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
    finally:
        process.kill()
        process.wait()
    assert b"psql" in cmdline.split(b"\0")[0], cmdline
    assert secret.encode() not in cmdline
    assert f"PGPASSWORD={secret}".encode() in environ
