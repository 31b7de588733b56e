-- wirehouse 012: deduplication as a stage of its own, on time the pipeline can trust.
--
-- Fingerprints get their own table: `dedup` writes one row per staged article, and a page that
-- `clean` stages again loses its row (and is fingerprinted again), instead of `clean` resetting
-- six columns of stage.articles. minhash and band_keys (001) have not been filled since 003.
create table stage.fingerprints (
    page_id         bigint primary key references stage.articles on delete cascade,
    content_hash    text not null,
    body_hash       text not null,
    anchors         bigint[] not null,
    shingle_count   integer not null,
    line_hashes     bigint[] not null,
    story_terms     text[] not null
);
insert into stage.fingerprints
select page_id, content_hash, body_hash, anchors, shingle_count, coalesce(line_hashes, '{}'),
       coalesce(story_terms, '{}')
from stage.articles
where content_hash is not null and body_hash is not null and anchors is not null and shingle_count is not null;

alter table stage.articles
    drop column content_hash,
    drop column minhash,
    drop column shingle_count,
    drop column band_keys,
    drop column body_hash,
    drop column anchors,
    drop column line_hashes,
    drop column story_terms,
    -- a page on another site that this page names as its original: a cross-domain rel=canonical,
    -- or the link of an "Originally published at" / "Source:" credit
    add column credited_url text;

-- Windows are measured on when wirehouse first saw an article, never on the date a page claims.
-- origin_at is the article's evidence of age for choosing a cluster's original: its published
-- date when credible (not after it was first seen, not before the web, not contradicted by its
-- URL), else when it was first seen.
alter table dedup.signatures rename column window_at to first_seen_at;
alter table dedup.signatures add column origin_at timestamptz, add column credited_url text;
update dedup.signatures s set first_seen_at = a.first_seen_at,
       origin_at = case when s.published_at <= a.first_seen_at then s.published_at else a.first_seen_at end
from warehouse.articles a where a.article_id = s.article_id;
alter table dedup.signatures
    alter column first_seen_at set not null,
    alter column origin_at set not null;
alter index dedup.signatures_window_idx rename to signatures_first_seen_idx;
drop index dedup.signatures_published_idx;
create index signatures_credited_url_idx on dedup.signatures (credited_url) where credited_url is not null;

-- A copy's canonical_url always equalled its url.
alter table warehouse.article_copies drop column canonical_url;

-- The task that fingerprints is named for what it does; `load` decides (dedup/) and applies.
alter table ops.runs drop constraint runs_task_check;
alter table ops.runs add constraint runs_task_check check (task in ('fetch', 'clean', 'fingerprint', 'dedup', 'load'));
