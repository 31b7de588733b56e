-- Queries of re-extraction (wirehouse/reclean.py): stored raw pages through the current extractor,
-- the articles' texts and metadata updated in place, each change recorded in ops.reextractions.

-- name: versions_to_reclean
-- The next batch of article versions whose text another extractor version produced than the current
-- one for their source (current_sources/current_versions; other sources: default_version), fetched
-- since `since`, of `source` if given, whose raw page is still stored; in (article, version) order after the last batch.
select v.article_id, v.version_no, v.page_id, v.version_no = a.version_count as latest
from warehouse.article_versions v
join warehouse.articles a using (article_id)
join stage.articles s on s.page_id = v.page_id
left join unnest(%(current_sources)s::text[], %(current_versions)s::text[]) as c(source, extractor_version)
    on c.source = a.source
where s.extractor_version <> coalesce(c.extractor_version, %(default_version)s)
  and s.fetched_at >= %(since)s
  and (%(source)s::text is null or a.source = %(source)s)
  and (v.article_id, v.version_no) > (%(after_article)s, %(after_version)s)
order by v.article_id, v.version_no
limit %(limit)s

-- name: stale_known_articles
-- Articles of the same source known by one of these URLs (each with the staged page that has it) whose
-- current text another extractor version produced than that page's, with their current version's page.
select distinct a.article_id, v.version_no, v.page_id, true as latest
from unnest(%(urls)s::text[], %(pages)s::bigint[]) as l(url, page_id)
join stage.articles p on p.page_id = l.page_id
join warehouse.article_urls u on u.url = l.url
join warehouse.articles a on a.article_id = u.article_id and a.source = p.source
    and a.extractor_version <> p.extractor_version
join warehouse.article_versions v on v.article_id = a.article_id and v.version_no = a.version_count
where v.page_id is not null
order by a.article_id

-- name: stored_pages
-- The stored raw pages of these staged articles, with the source and fetch run they were staged under.
select s.source, s.run_id, p.page_id, p.kind, p.url, p.final_url, p.status, p.headers, p.body, p.fetched_at
from stage.articles s join raw.pages p on p.page_id = s.page_id and p.fetched_at = s.fetched_at
where s.page_id = any(%(pages)s)
order by p.page_id

-- name: insert_reextractions
-- One audit row per re-extracted version whose text or metadata changed (reextracted: the batch).
insert into ops.reextractions (run_id, article_id, version_no, page_id, trigger, old_content_hash,
    new_content_hash, old_extractor_version, new_extractor_version, changed)
select %(run_id)s, r.article_id, r.version_no, r.page_id, %(trigger)s, v.content_hash, f.content_hash,
       v.extractor_version, s.extractor_version, c.changed
from reextracted r
join warehouse.article_versions v using (article_id, version_no)
join warehouse.articles a using (article_id)
join stage.articles s on s.page_id = r.page_id
join stage.fingerprints f on f.page_id = r.page_id
cross join lateral (select array_remove(array[
    case when v.content_hash <> f.content_hash then 'text' end,
    case when v.title is distinct from s.title then 'title' end,
    case when r.latest and a.authors is distinct from s.authors then 'authors' end,
    case when r.latest and a.published_at is distinct from s.published_at then 'published_at' end,
    case when r.latest and a.modified_at is distinct from s.modified_at then 'modified_at' end,
    case when r.latest and a.language is distinct from s.language then 'language' end,
    case when r.latest and a.description is distinct from s.description then 'description' end], null) as changed) c
where cardinality(c.changed) > 0

-- name: update_versions
-- Each re-extracted version takes its new text.
update warehouse.article_versions v set content_hash = f.content_hash, title = s.title, text = s.text,
    extractor_version = s.extractor_version
from reextracted r join stage.articles s on s.page_id = r.page_id join stage.fingerprints f on f.page_id = r.page_id
where v.article_id = r.article_id and v.version_no = r.version_no

-- name: update_articles
-- An article whose current version was re-extracted takes its new text and metadata; its URL,
-- when it was seen, its versions and its story stay.
update warehouse.articles a set title = s.title, authors = s.authors, published_at = s.published_at,
    modified_at = s.modified_at, language = s.language, description = s.description, text = s.text,
    word_count = s.word_count, content_hash = f.content_hash, provenance = s.provenance,
    search_config = coalesce(c.config, 'simple'), extractor_version = s.extractor_version
from reextracted r join stage.articles s on s.page_id = r.page_id join stage.fingerprints f on f.page_id = r.page_id
left join warehouse.language_configs c on c.language = s.language
where a.article_id = r.article_id and r.latest

-- name: update_signatures
-- What later pages are matched against follows the new text; when it was first seen and its origin stay.
update dedup.signatures g set anchor_count = cardinality(f.anchors), shingle_count = f.shingle_count,
    story_terms = f.story_terms, body_hash = f.body_hash
from reextracted r join stage.fingerprints f on f.page_id = r.page_id
where g.article_id = r.article_id and r.latest

-- name: delete_anchors
-- The anchors of the old texts of re-extracted articles.
delete from dedup.anchors x using reextracted r where x.article_id = r.article_id and r.latest

-- name: insert_anchors
-- The anchors of their new texts.
insert into dedup.anchors (anchor, article_id)
select distinct unnest(f.anchors), r.article_id
from reextracted r join stage.fingerprints f on f.page_id = r.page_id
where r.latest
order by 1, 2
