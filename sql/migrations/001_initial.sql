-- wirehouse 001: raw pages, run bookkeeping, staging, dedup state and the public warehouse.
create schema if not exists raw;
create schema if not exists ops;
create schema if not exists stage;
create schema if not exists dedup;
create schema if not exists warehouse;

-- ops: one row per task run, keyed by (task, source, data interval); Scrapy stats in `stats`.
create table ops.runs (
    run_id          bigint generated always as identity primary key,
    dag_id          text,
    dag_run_id      text,
    task            text not null check (task in ('fetch', 'clean', 'dedup', 'load')),
    source          text,
    interval_start  timestamptz not null,
    interval_end    timestamptz not null,
    started_at      timestamptz not null default clock_timestamp(),
    finished_at     timestamptz,
    status          text not null default 'running' check (status in ('running', 'success', 'failed')),
    counters        jsonb not null default '{}',
    stats           jsonb,
    error           text,
    check (interval_start <= interval_end)
);
create index runs_key_idx on ops.runs (task, source, interval_start, interval_end, run_id desc);

-- raw: every response the spiders got, bodies TOAST-compressed, one partition per month.
create sequence raw.pages_page_id_seq;
create table raw.pages (
    page_id         bigint not null default nextval('raw.pages_page_id_seq'),
    run_id          bigint not null,
    source          text not null,
    kind            text not null check (kind in ('article', 'feed', 'sitemap', 'section')),
    url             text not null,
    final_url       text not null,
    status          integer not null,
    headers         jsonb not null default '{}',
    body            bytea,
    fetched_at      timestamptz not null,
    primary key (page_id, fetched_at)
) partition by range (fetched_at);
create index pages_run_idx on raw.pages (run_id);
create index pages_url_idx on raw.pages (url);

-- Creates the month partition of raw.pages holding `ts` if it is missing; the fetch pipeline calls it.
create function raw.ensure_month_partition(ts timestamptz) returns text
language plpgsql as $$
declare
    month_start date := date_trunc('month', ts at time zone 'UTC')::date;
    name text := format('pages_%s', to_char(month_start, 'YYYY_MM'));
begin
    if to_regclass(format('raw.%I', name)) is null then
        execute format(
            'create table if not exists raw.%I partition of raw.pages for values from (%L) to (%L)',
            name,
            (month_start::timestamp at time zone 'UTC'),
            ((month_start + interval '1 month')::timestamp at time zone 'UTC'));
    end if;
    return name;
end $$;

-- ops.rejects: inputs that could not be used, with the reason and the raw bytes kept.
create table ops.rejects (
    reject_id       bigint generated always as identity primary key,
    run_id          bigint,
    page_id         bigint,
    source          text,
    url             text,
    stage           text not null check (stage in ('fetch', 'clean', 'dedup', 'load')),
    reason          text not null,
    detail          text,
    raw             bytea,
    created_at      timestamptz not null default clock_timestamp()
);
create unique index rejects_page_stage_idx on ops.rejects (page_id, stage) where page_id is not null;
create index rejects_run_idx on ops.rejects (run_id);

-- ops.page_outcomes: the one state each fetched page ends in.
create table ops.page_outcomes (
    page_id         bigint primary key,
    run_id          bigint not null,
    source          text not null,
    url             text not null,
    outcome         text not null check (outcome in
                        ('new', 'version', 'unchanged', 'copy', 'not_article', 'rejected')),
    article_id      bigint,
    detail          text,
    decided_at      timestamptz not null default clock_timestamp()
);
create index page_outcomes_run_idx on ops.page_outcomes (run_id);

-- stage: what `clean` extracted from each article page, and what `dedup` computed from it.
create table stage.articles (
    page_id         bigint primary key,
    run_id          bigint not null,
    source          text not null,
    url             text not null,
    final_url       text not null,
    fetched_at      timestamptz not null,
    canonical_url   text not null,
    title           text,
    authors         text[] not null default '{}',
    published_at    timestamptz,
    modified_at     timestamptz,
    language        text,
    description     text,
    text            text not null,
    word_count      integer not null,
    provenance      jsonb not null default '{}',
    content_hash    text,
    minhash         bigint[],
    shingle_count   integer,
    band_keys       bigint[]
);
create index stage_articles_run_idx on stage.articles (run_id);

-- warehouse: the public contract (see README).
create table warehouse.language_configs (
    language        text primary key,
    config          regconfig not null
);
insert into warehouse.language_configs values
    ('ar', 'arabic'), ('da', 'danish'), ('de', 'german'), ('el', 'greek'), ('en', 'english'),
    ('es', 'spanish'), ('fi', 'finnish'), ('fr', 'french'), ('hu', 'hungarian'), ('id', 'indonesian'),
    ('it', 'italian'), ('lt', 'lithuanian'), ('nl', 'dutch'), ('no', 'norwegian'), ('pt', 'portuguese'),
    ('ro', 'romanian'), ('ru', 'russian'), ('sv', 'swedish'), ('tr', 'turkish');

create table warehouse.articles (
    article_id      bigint generated always as identity primary key,
    source          text not null,
    canonical_url   text not null unique,
    title           text,
    authors         text[] not null default '{}',
    published_at    timestamptz,
    modified_at     timestamptz,
    language        text,
    description     text,
    text            text not null,
    word_count      integer not null,
    content_hash    text not null,
    first_seen_at   timestamptz not null,
    last_seen_at    timestamptz not null,
    version_count   integer not null default 1,
    story_id        bigint,
    provenance      jsonb not null default '{}',
    search_config   regconfig not null default 'simple',
    search          tsvector generated always as (
                        setweight(to_tsvector(search_config, coalesce(title, '')), 'A')
                        || setweight(to_tsvector(search_config, coalesce(description, '')), 'B')
                        || setweight(to_tsvector(search_config, text), 'C')) stored
);
create index articles_search_idx on warehouse.articles using gin (search);
create index articles_published_idx on warehouse.articles (published_at);
create index articles_source_published_idx on warehouse.articles (source, published_at);
create index articles_content_hash_idx on warehouse.articles (content_hash);
create index articles_story_idx on warehouse.articles (story_id);

create table warehouse.article_urls (
    url             text primary key,
    canonical_url   text not null,
    article_id      bigint not null references warehouse.articles on delete cascade,
    source          text not null,
    first_seen_at   timestamptz not null,
    last_seen_at    timestamptz not null
);
create index article_urls_article_idx on warehouse.article_urls (article_id);

create table warehouse.article_copies (
    url             text primary key,
    canonical_url   text not null,
    source          text not null,
    article_id      bigint not null references warehouse.articles on delete cascade,
    kind            text not null check (kind in ('exact', 'near', 'partial')),
    similarity      real not null check (similarity between 0 and 1),
    title           text,
    published_at    timestamptz,
    first_seen_at   timestamptz not null,
    last_seen_at    timestamptz not null
);
create index article_copies_article_idx on warehouse.article_copies (article_id);

create table warehouse.article_versions (
    article_id      bigint not null references warehouse.articles on delete cascade,
    version_no      integer not null,
    fetched_at      timestamptz not null,
    content_hash    text not null,
    title           text,
    text            text not null,
    page_id         bigint,
    primary key (article_id, version_no)
);

create view warehouse.stories as
select a.story_id,
       (array_agg(a.title order by a.published_at nulls last, a.article_id))[1] as title,
       min(a.published_at) as first_published_at,
       count(*)::integer as article_count,
       array_agg(distinct a.source order by a.source) as sources
from warehouse.articles a
where a.story_id is not null
group by a.story_id;

-- dedup: persistent near-duplicate index (MinHash signatures and LSH band keys).
create table dedup.signatures (
    article_id      bigint primary key references warehouse.articles on delete cascade,
    minhash         bigint[] not null,
    shingle_count   integer not null,
    published_at    timestamptz,
    source          text not null,
    story_terms     text[] not null default '{}'
);
create index signatures_published_idx on dedup.signatures (published_at);
create table dedup.bands (
    band_key        bigint not null,
    article_id      bigint not null references warehouse.articles on delete cascade,
    primary key (band_key, article_id)
);
create index bands_article_idx on dedup.bands (article_id);

-- Accounting: per fetch run, every page ends in exactly one outcome (undecided = not yet cleaned/loaded).
create view ops.run_accounting as
select r.run_id, r.source, r.interval_start, r.interval_end, r.dag_run_id, r.status,
       coalesce(p.pages, 0) as pages,
       coalesce(o.new, 0) as new,
       coalesce(o.version, 0) as versions,
       coalesce(o.unchanged, 0) as unchanged,
       coalesce(o.copy, 0) as copies,
       coalesce(o.not_article, 0) as not_articles,
       coalesce(o.rejected, 0) as rejected,
       coalesce(p.pages, 0) - coalesce(o.decided, 0) as undecided,
       coalesce(f.fetch_failures, 0) as fetch_failures
from ops.runs r
left join lateral (select count(*) as pages from raw.pages where run_id = r.run_id) p on true
left join lateral (
    select count(*) as decided,
           count(*) filter (where outcome = 'new') as new,
           count(*) filter (where outcome = 'version') as version,
           count(*) filter (where outcome = 'unchanged') as unchanged,
           count(*) filter (where outcome = 'copy') as copy,
           count(*) filter (where outcome = 'not_article') as not_article,
           count(*) filter (where outcome = 'rejected') as rejected
    from ops.page_outcomes where run_id = r.run_id) o on true
left join lateral (
    select count(*) as fetch_failures from ops.rejects where run_id = r.run_id and stage = 'fetch') f on true
where r.task = 'fetch';
