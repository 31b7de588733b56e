"""The item pipeline: every response into raw.pages (batched COPY), every failure into ops.rejects,
every listing read in full into raw.listings (for the next crawl's conditional requests)."""
from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from wirehouse.db import connect
from wirehouse.queries import queries

Q = queries("stages")

PAGE_COLUMNS = ("run_id", "source", "kind", "url", "final_url", "status", "headers", "body", "fetched_at")
PAGE_TYPES = ("int8", "text", "text", "text", "text", "int4", "jsonb", "bytea", "timestamptz")


class RawPagesPipeline:
    def __init__(self, crawler, batch_size: int):
        self.crawler = crawler
        self.batch_size = batch_size
        self.pages: list[tuple] = []
        self.conn = None
        self.run_ids: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("RAW_PAGES_BATCH_SIZE", 200))

    def open_spider(self):
        self.run_ids = self.crawler.spider.run_ids
        self.conn = connect(autocommit=True)

    def close_spider(self):
        self.flush()
        if self.pages:  # crawl.py fails the task: its rerun fetches these pages again
            self.crawler.stats.set_value("wirehouse/unstored_pages", len(self.pages))
        self.conn.close()

    def process_item(self, item):
        if item["type"] == "listing":
            self.conn.execute(Q.remember_listing, {
                **{k: item[k] for k in ("source", "url", "kind", "etag", "last_modified")},
                "entries": Jsonb(item["entries"])})
            return item
        if item["type"] == "failure":
            self.conn.execute(
                "insert into ops.rejects (run_id, source, url, stage, reason, detail, raw)"
                " values (%s, %s, %s, 'fetch', %s, %s, %s)",
                (self.run_ids[item["source"]], item["source"], item["url"], item["reason"], item["detail"],
                 item.get("raw")),
            )
            return item
        self.pages.append((
            self.run_ids[item["source"]], item["source"], item["kind"], item["url"], item["final_url"],
            item["status"], Jsonb(item["headers"]), item["body"], item["fetched_at"],
        ))
        if len(self.pages) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """COPY the batch; if the database refuses it, keep it for the next flush (a batch is
        never dropped silently: pages still unstored at the end fail the crawl)."""
        if not self.pages:
            return
        try:
            with self.conn.transaction():
                months = {page[-1].strftime("%Y-%m-01T00:00:00+00:00") for page in self.pages}
                for month in months:
                    self.conn.execute("select raw.ensure_month_partition(%s)", (month,))
                with self.conn.cursor() as cur:
                    # binary: a body goes over as it is, where text COPY escapes every byte of it
                    with cur.copy(f"copy raw.pages ({', '.join(PAGE_COLUMNS)}) from stdin (format binary)") as copy:
                        copy.set_types(PAGE_TYPES)
                        for page in self.pages:
                            copy.write_row(page)
        except psycopg.Error as exc:
            self.crawler.stats.inc_value("wirehouse/store_failures")
            self.crawler.stats.set_value("wirehouse/store_error", f"{type(exc).__name__}: {exc}"[:500])
            if len(self.pages) >= 10 * self.batch_size:
                raise  # the database stays unreachable: stop holding pages in memory
            return
        self.pages.clear()
