-- Queries of the fingerprint and load tasks (wirehouse/fingerprinting.py, wirehouse/loading/).
-- Loads hold LOCK_KEY for their transaction, so concurrent runs see each other's rows.

-- name: pages_to_fingerprint
-- The runs' staged articles without a fingerprint, in page order (a named cursor streams them).
select s.page_id, s.source, s.canonical_url, s.url, s.text, s.title from stage.articles s
where s.run_id = any(%(runs)s) and not exists (select 1 from stage.fingerprints f where f.page_id = s.page_id)
order by s.page_id

-- name: known_urls
-- Which of these URLs the warehouse knows, as an article's or a copy's.
select url from warehouse.article_urls where url = any(%(urls)s)
union select url from warehouse.article_copies where url = any(%(urls)s)

-- name: boilerplate_lines
-- Lines in BOILERPLATE_MIN_PAGES or more pages of their source, counting this batch's (batch_lines) and those loaded.
select b.source, b.line_hash
from (select source, line_hash, count(*) as pages from batch_lines group by 1, 2) b
left join dedup.source_lines s using (source, line_hash)
where b.pages + coalesce(s.pages, 0) >= %(min_pages)s

-- name: upsert_fingerprints
-- The batch's fingerprints (new_fingerprints) into stage.fingerprints; a page another run just
-- fingerprinted gets the same values again.
insert into stage.fingerprints select * from new_fingerprints
on conflict (page_id) do update set content_hash = excluded.content_hash, body_hash = excluded.body_hash,
    anchors = excluded.anchors, shingle_count = excluded.shingle_count, line_hashes = excluded.line_hashes,
    story_terms = excluded.story_terms

-- name: forget_fingerprints
-- Fingerprints of the runs' pages not decided yet, computed before another run loaded: stale.
delete from stage.fingerprints f using stage.articles s
where f.page_id = s.page_id and s.run_id = any(%(runs)s)
and not exists (select 1 from ops.page_outcomes o where o.page_id = s.page_id)

-- name: mark_fingerprinted
-- The runs were fingerprinted at the current load generation (migration 007).
insert into dedup.fingerprinted_runs (run_id, generation)
select unnest(%(runs)s::bigint[]), loads from dedup.generation
on conflict (run_id) do update set generation = excluded.generation

-- name: stale_runs
-- The runs fingerprinted before the last load (or never).
select r.run_id from unnest(%(runs)s::bigint[]) as r(run_id) cross join dedup.generation g
left join dedup.fingerprinted_runs f using (run_id)
where f.generation is distinct from g.loads

-- name: count_load
-- One more load: runs fingerprinted before it are stale.
update dedup.generation set loads = loads + 1

-- name: pages_to_load
-- The runs' staged pages no outcome was recorded for, with what orders them; missing: no fingerprint yet.
select s.page_id, s.source, s.url, s.final_url, s.canonical_url, s.fetched_at, s.published_at,
       f.page_id is null as missing
from stage.articles s left join stage.fingerprints f using (page_id)
where s.run_id = any(%(runs)s) and not exists (select 1 from ops.page_outcomes o where o.page_id = s.page_id)

-- name: staged_pages
-- What deciding needs of these staged pages: never their text.
select s.page_id, s.run_id, s.source, s.url, s.final_url, s.canonical_url, s.fetched_at, s.published_at,
       s.credited_url, f.content_hash, f.body_hash, f.anchors, f.shingle_count, f.line_hashes, f.story_terms
from stage.articles s join stage.fingerprints f using (page_id)
where s.page_id = any(%(pages)s)

-- name: known_copy_urls
-- The copies known by any of the batch's URLs: one primary-key probe per URL (a scan would grow with the warehouse).
select c.url, c.article_id from unnest(%(urls)s::text[]) as q(url)
cross join lateral (select c.url, c.article_id from warehouse.article_copies c where c.url = q.url offset 0) c

-- name: known_article_urls
-- The articles known by any of the batch's URLs: one primary-key probe per URL (a scan would grow with the warehouse).
select u.url, u.article_id from unnest(%(urls)s::text[]) as q(url)
cross join lateral (select u.url, u.article_id from warehouse.article_urls u where u.url = q.url offset 0) u

-- name: exact_matches
-- Articles with the same text or body as a page of the batch, at any age: two index lookups.
select article_id from warehouse.articles where content_hash = any(%(content)s)
union select article_id from dedup.signatures where body_hash = any(%(body)s)

-- name: fill_batch_anchors
-- The anchors of the batch's pages (batch_anchors), straight from stage.fingerprints, in anchor order.
insert into batch_anchors (page_id, anchor, anchor_count)
select f.page_id, a.anchor, cardinality(f.anchors) from stage.fingerprints f cross join unnest(f.anchors) as a(anchor)
where f.page_id = any(%(pages)s) order by a.anchor, f.page_id

-- name: anchor_candidates
-- Per page of the batch (batch_anchors), the articles first seen in the look-back window sharing enough
-- anchors: min_shared, or every anchor of the shorter text when it has fewer (at least min_whole).
-- Each batch anchor probes the anchors index (the lateral subquery, kept apart by offset 0): a hash join
-- would read every stored anchor, so matching would grow with the warehouse. The window is checked on
-- the few pairs that share enough anchors.
select h.page_id, h.article_id, h.shared
from (select b.page_id, x.article_id, count(*) as shared, max(b.anchor_count) as page_anchors
      from batch_anchors b
      cross join lateral (select x.article_id from dedup.anchors x where x.anchor = b.anchor offset 0) x
      group by 1, 2 having count(*) >= %(min_whole)s) h
join dedup.signatures s on s.article_id = h.article_id and s.first_seen_at >= %(window_start)s
where h.shared >= least(%(min_shared)s, greatest(%(min_whole)s, least(h.page_anchors, s.anchor_count)))

-- name: copy_anchor_candidates
-- Per page of the batch, the copies (of articles first seen in the window) sharing enough anchors;
-- each batch anchor probes the copy anchors index, as in anchor_candidates.
select h.page_id, h.url, h.shared
from (select b.page_id, c.url, count(*) as shared from batch_anchors b
      cross join lateral (select c.url from dedup.copy_anchors c where c.anchor = b.anchor offset 0) c
      group by 1, 2
      having count(*) >= %(min_shared)s or count(*) >= %(min_whole)s and count(*) = max(b.anchor_count)) h
join warehouse.article_copies c using (url)
join dedup.signatures s on s.article_id = c.article_id and s.first_seen_at >= %(window_start)s

-- name: known_articles
-- What deciding needs of these articles: hashes, anchors, and the evidence of their age.
select a.article_id, a.source, a.canonical_url, a.content_hash, s.body_hash, s.origin_at, s.first_seen_at,
       s.credited_url, array(select x.anchor from dedup.anchors x where x.article_id = a.article_id) as anchors
from warehouse.articles a join dedup.signatures s using (article_id)
where a.article_id = any(%(ids)s)

-- name: known_copies
-- These copies, and every copy of these articles (scored again if their original changes).
select c.url, c.article_id, s.body_hash, s.anchors
from warehouse.article_copies c join dedup.copy_signatures s using (url)
where c.url = any(%(urls)s) or c.article_id = any(%(ids)s)

-- name: crediting
-- Which of the batch's URLs a stored article names as its original.
select distinct credited_url from dedup.signatures where credited_url = any(%(urls)s)

-- name: story_members
-- The stories with an article first seen around the batch that shares a key term with it, and
-- every article of those stories first seen around the batch. The window is read first (an index
-- range), so the cost follows the articles around the batch, not the warehouse.
with near as (
    select s.article_id, s.story_terms, s.source, s.first_seen_at from dedup.signatures s
    where s.first_seen_at between %(start)s and %(end)s),
hit as (
    select distinct a.story_id from near n cross join unnest(n.story_terms) as t(term)
    join unnest(%(terms)s::text[]) as k(term) using (term)
    join warehouse.articles a on a.article_id = n.article_id where a.story_id is not null)
select n.article_id, a.story_id, n.story_terms, n.source, n.first_seen_at
from near n join warehouse.articles a using (article_id) join hit using (story_id)

-- name: story_documents
-- How many articles the document frequencies are counted over: the last `sample` first seen
-- before the batch (a fixed sample, so its cost does not grow with the warehouse).
select count(*) from (select 1 from dedup.signatures where first_seen_at <= %(before)s
                      order by first_seen_at desc limit %(sample)s) recent

-- name: story_document_frequency
-- In how many of those articles each of these story terms occurs.
with recent as (select story_terms from dedup.signatures where first_seen_at <= %(before)s
                order by first_seen_at desc limit %(sample)s)
select k.term, count(*) from recent cross join unnest(recent.story_terms) as t(term)
join unnest(%(terms)s::text[]) as k(term) using (term) group by k.term

-- name: new_article_ids
-- Ids for the articles a batch may create, in one round trip (unused ones are a gap).
select nextval(pg_get_serial_sequence('warehouse.articles', 'article_id')) from generate_series(1, %(n)s)

-- name: insert_articles
-- The batch's new articles (load_new), from their staged pages.
insert into warehouse.articles (article_id, source, canonical_url, title, authors, published_at, modified_at,
    language, description, text, word_count, content_hash, first_seen_at, last_seen_at, provenance,
    search_config, story_id, extractor_version)
overriding system value
select n.article_id, s.source, s.canonical_url, s.title, s.authors, s.published_at, s.modified_at, s.language,
       s.description, s.text, s.word_count, f.content_hash, %(seen)s, %(seen)s, s.provenance,
       coalesce(c.config, 'simple'), n.story_id, s.extractor_version
from load_new n join stage.articles s using (page_id) join stage.fingerprints f using (page_id)
left join warehouse.language_configs c on c.language = s.language
order by n.article_id

-- name: insert_first_versions
-- Version 1 of each new article.
insert into warehouse.article_versions (article_id, version_no, fetched_at, content_hash, title, text, page_id,
    extractor_version)
select n.article_id, 1, s.fetched_at, f.content_hash, s.title, s.text, n.page_id, s.extractor_version
from load_new n join stage.articles s using (page_id) join stage.fingerprints f using (page_id)

-- name: insert_signatures
-- What later batches match new articles by: their signature and anchors.
insert into dedup.signatures (article_id, anchor_count, shingle_count, published_at, first_seen_at, origin_at,
    source, story_terms, body_hash, credited_url)
select n.article_id, cardinality(f.anchors), f.shingle_count, s.published_at, s.fetched_at, n.origin_at,
       s.source, f.story_terms, f.body_hash, s.credited_url
from load_new n join stage.articles s using (page_id) join stage.fingerprints f using (page_id)

-- name: insert_anchors
-- The anchors of new articles, in index order (the primary key's pages are visited once, in order).
insert into dedup.anchors (anchor, article_id)
select distinct a.anchor, n.article_id from load_new n join stage.fingerprints f using (page_id)
cross join unnest(f.anchors) as a(anchor) order by 1, 2

-- name: insert_versions
-- Each changed text of a known article (load_versions, in the batch's order) as its next version.
insert into warehouse.article_versions (article_id, version_no, fetched_at, content_hash, title, text, page_id,
    extractor_version)
select v.article_id, a.version_count + row_number() over (partition by v.article_id order by v.ord),
       s.fetched_at, f.content_hash, s.title, s.text, v.page_id, s.extractor_version
from load_versions v join warehouse.articles a using (article_id)
join stage.articles s on s.page_id = v.page_id join stage.fingerprints f on f.page_id = v.page_id

-- name: update_versioned_articles
-- The article takes the text of its last version in the batch.
update warehouse.articles a set title = s.title, authors = s.authors, modified_at = s.modified_at,
    description = s.description, text = s.text, word_count = s.word_count, content_hash = f.content_hash,
    provenance = s.provenance, version_count = a.version_count + v.n, extractor_version = s.extractor_version
from (select distinct on (article_id) article_id, page_id, count(*) over (partition by article_id) as n
      from load_versions order by article_id, ord desc) v
join stage.articles s on s.page_id = v.page_id join stage.fingerprints f on f.page_id = v.page_id
where a.article_id = v.article_id

-- name: update_versioned_signatures
-- The signature of a versioned article follows its text; when it was first seen and its origin stay.
update dedup.signatures g set anchor_count = cardinality(f.anchors), shingle_count = f.shingle_count,
    story_terms = f.story_terms, body_hash = f.body_hash
from (select distinct on (article_id) article_id, page_id from load_versions order by article_id, ord desc) v
join stage.fingerprints f on f.page_id = v.page_id
where g.article_id = v.article_id

-- name: delete_versioned_anchors
-- The anchors of the versioned articles' old texts.
delete from dedup.anchors x using load_versions v where x.article_id = v.article_id

-- name: insert_versioned_anchors
-- The anchors of the versioned articles' new texts.
insert into dedup.anchors (anchor, article_id)
select distinct unnest(f.anchors), v.article_id
from (select distinct on (article_id) article_id, page_id from load_versions order by article_id, ord desc) v
join stage.fingerprints f on f.page_id = v.page_id

-- name: demote_articles
-- Stored articles that copy another (load_demotions) become copy rows.
insert into warehouse.article_copies (url, source, article_id, kind, similarity, title, published_at,
    first_seen_at, last_seen_at)
select a.canonical_url, a.source, d.original_id, d.kind, d.similarity, a.title, a.published_at,
       a.first_seen_at, a.last_seen_at
from load_demotions d join warehouse.articles a using (article_id)
on conflict (url) do update set article_id = excluded.article_id, kind = excluded.kind,
    similarity = excluded.similarity

-- name: demoted_copy_signatures
-- The demoted articles' bodies, kept as copies' are.
insert into dedup.copy_signatures (url, body_hash, anchors)
select a.canonical_url, coalesce(s.body_hash, ''),
       array(select x.anchor from dedup.anchors x where x.article_id = d.article_id order by 1)
from load_demotions d join warehouse.articles a using (article_id) left join dedup.signatures s using (article_id)
on conflict (url) do update set body_hash = excluded.body_hash, anchors = excluded.anchors

-- name: demoted_copy_anchors
-- The demoted articles' anchors, now a copy's.
insert into dedup.copy_anchors (anchor, url)
select x.anchor, a.canonical_url
from load_demotions d join warehouse.articles a using (article_id) join dedup.anchors x using (article_id)
on conflict do nothing

-- name: repoint_urls
-- URLs of demoted articles lead to their original.
update warehouse.article_urls u set article_id = d.original_id from load_demotions d where u.article_id = d.article_id

-- name: repoint_copies
-- Copies of demoted articles are copies of their original (rescored after).
update warehouse.article_copies c set article_id = d.original_id from load_demotions d
where c.article_id = d.article_id

-- name: repoint_outcomes
-- Pages that ended in a demoted article ended in its original.
update ops.page_outcomes o set article_id = d.original_id from load_demotions d where o.article_id = d.article_id

-- name: delete_demoted
-- The demoted articles' rows and anchors (signatures and versions go with the row).
with gone as (delete from dedup.anchors x using load_demotions d where x.article_id = d.article_id)
delete from warehouse.articles a using load_demotions d where a.article_id = d.article_id

-- name: rescore_copies
-- Stored copies measured again against their new original.
update warehouse.article_copies c set article_id = r.article_id, kind = r.kind, similarity = r.similarity
from load_rescores r where c.url = r.url

-- name: insert_copies
-- The batch's pages stored as copies (load_copies).
insert into warehouse.article_copies (url, source, article_id, kind, similarity, title, published_at,
    first_seen_at, last_seen_at)
select c.url, s.source, c.article_id, c.kind, c.similarity, s.title, s.published_at, %(seen)s, %(seen)s
from load_copies c join stage.articles s using (page_id)
on conflict (url) do update set
    last_seen_at = greatest(warehouse.article_copies.last_seen_at, excluded.last_seen_at),
    first_seen_at = least(warehouse.article_copies.first_seen_at, excluded.first_seen_at)

-- name: insert_copy_signatures
-- The new copies' bodies, so that a later original can score them again.
insert into dedup.copy_signatures (url, body_hash, anchors)
select c.url, f.body_hash, f.anchors from load_copies c join stage.fingerprints f using (page_id)
on conflict (url) do nothing

-- name: insert_copy_anchors
-- The new copies' anchors, in index order: later pages that match a copy join its article.
insert into dedup.copy_anchors (anchor, url)
select distinct a.anchor, c.url from load_copies c join stage.fingerprints f using (page_id)
cross join unnest(f.anchors) as a(anchor) order by 1, 2
on conflict do nothing

-- name: upsert_urls
-- Every URL the batch's pages are known by -> their article; first and last seen widen.
insert into warehouse.article_urls (url, canonical_url, article_id, source, first_seen_at, last_seen_at)
select url, canonical_url, article_id, source, %(seen)s, %(seen)s from load_urls order by url
on conflict (url) do update set article_id = excluded.article_id,
    first_seen_at = least(warehouse.article_urls.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(warehouse.article_urls.last_seen_at, excluded.last_seen_at)

-- name: seen_copies
-- Stored copies met again: first and last seen are the earliest and latest interval that saw them.
update warehouse.article_copies set last_seen_at = greatest(last_seen_at, %(seen)s),
    first_seen_at = least(first_seen_at, %(seen)s) where url = any(%(urls)s)

-- name: seen_articles
-- Stored articles met again.
update warehouse.articles set last_seen_at = greatest(last_seen_at, %(seen)s),
    first_seen_at = least(first_seen_at, %(seen)s) where article_id = any(%(ids)s)

-- name: insert_outcomes
-- Where each page of the batch ended.
insert into ops.page_outcomes (page_id, run_id, source, url, outcome, article_id, detail)
select o.page_id, s.run_id, s.source, s.url, o.outcome, o.article_id, o.detail
from load_outcomes o join stage.articles s using (page_id)

-- name: count_source_lines
-- In how many pages of its source each line of the batch's new articles and copies occurs.
insert into dedup.source_lines (source, line_hash, pages)
select s.source, l.line_hash, count(*) from load_counted c join stage.articles s using (page_id)
join stage.fingerprints f using (page_id) cross join unnest(f.line_hashes) as l(line_hash)
group by 1, 2
on conflict (source, line_hash) do update set pages = dedup.source_lines.pages + excluded.pages
