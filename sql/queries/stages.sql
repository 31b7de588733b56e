-- Queries of the fetch and clean tasks (wirehouse/pipeline.py).

-- name: pages_by_kind
-- Pages stored by each of these fetch runs, by kind, and how many of them were 304 Not Modified.
select run_id, kind, count(*), count(*) filter (where status = 304) from raw.pages
where run_id = any(%(runs)s) group by 1, 2

-- name: fetch_failures
-- Fetch rejects of each of these runs by reason, most frequent first, with one URL of each.
select run_id, reason, count(*), min(url) from ops.rejects
where run_id = any(%(runs)s) and stage = 'fetch' group by 1, 2 order by 1, 3 desc, 2

-- name: pages_to_clean_count
-- How many pages of these fetch runs no outcome has been recorded for.
select count(*) from raw.pages p
where p.run_id = any(%(runs)s) and not exists (select 1 from ops.page_outcomes o where o.page_id = p.page_id)

-- name: pages_to_clean
-- The fetch run's pages no outcome has been recorded for, in page order (a named cursor streams them),
-- but those already staged by this extractor version: a second clean of the same fetch (a backfill
-- racing the schedule) staging them again would drop their fingerprints under the first run's load.
select p.page_id, p.kind, p.url, p.final_url, p.status, p.headers, p.body, p.fetched_at
from raw.pages p where p.run_id = %(run)s
and not exists (select 1 from ops.page_outcomes o where o.page_id = p.page_id)
and not exists (select 1 from stage.articles s where s.page_id = p.page_id and s.extractor_version = %(version)s)
order by p.page_id

-- name: stage_article
-- An extracted article page, replacing an older extraction of the same page (re-extraction).
insert into stage.articles (page_id, run_id, source, url, final_url, fetched_at, canonical_url, title, authors,
    published_at, modified_at, language, description, text, word_count, provenance, credited_url, extractor_version)
values (%(page_id)s, %(run_id)s, %(source)s, %(url)s, %(final_url)s, %(fetched_at)s, %(canonical_url)s, %(title)s,
    %(authors)s, %(published_at)s, %(modified_at)s, %(language)s, %(description)s, %(text)s, %(word_count)s,
    %(provenance)s, %(credited_url)s, %(extractor_version)s)
on conflict (page_id) do update set canonical_url = excluded.canonical_url, title = excluded.title,
    authors = excluded.authors, published_at = excluded.published_at, modified_at = excluded.modified_at,
    language = excluded.language, description = excluded.description, text = excluded.text,
    word_count = excluded.word_count, provenance = excluded.provenance, credited_url = excluded.credited_url,
    extractor_version = excluded.extractor_version

-- name: drop_stale_fingerprints
-- The fingerprints of older extractions of these pages: the fingerprint task computes them again.
delete from stage.fingerprints where page_id = any(%(pages)s)

-- name: record_outcome
-- A page's outcome decided by the clean (not an article, or rejected).
insert into ops.page_outcomes (page_id, run_id, source, url, outcome, detail)
values (%(page_id)s, %(run_id)s, %(source)s, %(url)s, %(outcome)s, %(detail)s)

-- name: reject_page
-- A page the clean could not take, kept with its raw bytes and the reason.
insert into ops.rejects (run_id, page_id, source, url, stage, reason, detail, raw)
values (%(run_id)s, %(page_id)s, %(source)s, %(url)s, 'clean', %(reason)s, %(detail)s, %(raw)s)
on conflict do nothing

-- name: reuse_extractions
-- Stage, for each of these article pages, a copy of the extraction of the latest earlier fetch of its
-- URL with the same final URL and the very same bytes, made by the same extractor version (which
-- includes the source's rules); returns the pages staged so. The fingerprint task fingerprints them.
insert into stage.articles (page_id, run_id, source, url, final_url, fetched_at, canonical_url, title, authors,
    published_at, modified_at, language, description, text, word_count, provenance, credited_url, extractor_version)
select p.page_id, p.run_id, p.source, p.url, p.final_url, p.fetched_at, s.canonical_url, s.title, s.authors,
       s.published_at, s.modified_at, s.language, s.description, s.text, s.word_count, s.provenance, s.credited_url,
       s.extractor_version
from raw.pages p
cross join lateral (
    select o.page_id, o.fetched_at from raw.pages o
    where o.url = p.url and o.page_id < p.page_id and o.source = p.source and o.final_url = p.final_url
      and o.body = p.body
      and exists (select 1 from stage.articles x where x.page_id = o.page_id and x.extractor_version = %(version)s)
    order by o.page_id desc limit 1) o
join stage.articles s on s.page_id = o.page_id
where p.page_id = any(%(pages)s)
on conflict (page_id) do nothing
returning page_id

-- name: known_listings
-- The sources' listings read in full before, for the crawl's conditional requests.
select source, url, kind, etag, last_modified, entries from raw.listings where source = any(%(sources)s)

-- name: remember_listing
-- A listing read in full, with the validators it came with: the next crawl asks only if it changed.
insert into raw.listings (source, url, kind, etag, last_modified, entries, fetched_at)
values (%(source)s, %(url)s, %(kind)s, %(etag)s, %(last_modified)s, %(entries)s, clock_timestamp())
on conflict (source, url) do update set kind = excluded.kind, etag = excluded.etag,
    last_modified = excluded.last_modified, entries = excluded.entries, fetched_at = excluded.fetched_at
