-- wirehouse 013: which extractor produced each text, and re-extraction from stored pages.
--
-- Every staged article, warehouse article and article version records the extractor version
-- (extract/version.py) that produced its text; rows from before this migration say 'unrecorded'.
-- A refetch is compared with the stored text re-extracted by the same version, so a change of
-- extractor is never an article version (wirehouse/reclean.py).
alter table stage.articles add column extractor_version text not null default 'unrecorded';
alter table warehouse.articles add column extractor_version text not null default 'unrecorded';
alter table warehouse.article_versions add column extractor_version text not null default 'unrecorded';

-- The audit of re-extractions: one row per stored text that a newer extractor changed.
create table ops.reextractions (
    reextraction_id       bigint generated always as identity primary key,
    run_id                bigint,  -- the ops.runs row of the reclean, or of the load that refetched the page
    article_id            bigint not null,
    version_no            integer not null,
    page_id               bigint not null,
    trigger               text not null check (trigger in ('reclean', 'refetch')),
    old_content_hash      text not null,
    new_content_hash      text not null,
    old_extractor_version text not null,
    new_extractor_version text not null,
    changed               text[] not null,  -- the fields that changed: text, title, authors, published_at, ...
    reextracted_at        timestamptz not null default clock_timestamp()
);
create index reextractions_article_idx on ops.reextractions (article_id);

alter table ops.runs drop constraint runs_task_check;
alter table ops.runs add constraint runs_task_check
    check (task in ('fetch', 'clean', 'fingerprint', 'dedup', 'load', 'reclean'));
