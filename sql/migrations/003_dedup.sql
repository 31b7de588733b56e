-- wirehouse 003: deduplication by sampled shingle anchors (containment as well as resemblance),
-- per-source boilerplate lines, and the exact hash of an article's body.

-- stage: what `dedup` computes for each extracted page (minhash/band_keys of 001 are no longer filled).
alter table stage.articles
    add column body_hash    text,
    add column anchors      bigint[],
    add column line_hashes  bigint[],
    add column story_terms  text[];

-- dedup.signatures: one row per article (copies are not indexed: their original is).
alter table dedup.signatures
    drop column minhash,
    add column body_hash     text,
    add column anchor_count  integer not null default 0,
    -- what the look-back window compares: published_at, else when the article was first seen
    add column window_at     timestamptz;
create index signatures_body_hash_idx on dedup.signatures (body_hash);
create index signatures_window_idx on dedup.signatures (window_at);
create index signatures_story_terms_idx on dedup.signatures using gin (story_terms);

-- dedup.anchors replaces the MinHash LSH bands: the sampled shingle hashes of each article.
drop table dedup.bands;
create table dedup.anchors (
    anchor          bigint not null,
    article_id      bigint not null references warehouse.articles on delete cascade,
    primary key (anchor, article_id)
);
create index anchors_article_idx on dedup.anchors (article_id);

-- dedup.source_lines: in how many pages (distinct URLs: articles and copies) of a source a line
-- occurs; a line in BOILERPLATE_MIN_PAGES or more is that source's furniture, not body text.
create table dedup.source_lines (
    source          text not null,
    line_hash       bigint not null,
    pages           integer not null,
    primary key (source, line_hash)
);

-- dedup.copy_signatures: the body of each copy, so that when an earlier original arrives the
-- copies of the article it replaces are scored again against it (the same result whatever
-- the arrival order). Not searched: copies are found through their original.
create table dedup.copy_signatures (
    url             text primary key references warehouse.article_copies on delete cascade,
    body_hash       text not null,
    anchors         bigint[] not null
);
