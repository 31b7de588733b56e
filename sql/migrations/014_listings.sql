-- wirehouse 014: listings fetched only when they changed.
--
-- The last full read of each feed, sitemap and section page that gave a validator (ETag or
-- Last-Modified): the next crawl asks with If-None-Match / If-Modified-Since, and on a 304 uses
-- the entries stored here (URL and the date the listing gave it) instead of fetching and parsing
-- the listing again, so each run still applies its own window to them. One row per listing URL.
create table raw.listings (
    source          text not null,
    url             text not null,
    kind            text not null check (kind in ('feed', 'sitemap', 'sitemap_index', 'section')),
    etag            text,
    last_modified   text,
    entries         jsonb not null,  -- [[url, ISO date or null], ...] in the listing's order
    fetched_at      timestamptz not null,
    primary key (source, url)
);
