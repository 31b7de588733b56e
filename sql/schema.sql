CREATE SCHEMA dedup;

CREATE SCHEMA ops;

CREATE SCHEMA raw;

CREATE SCHEMA stage;

CREATE SCHEMA warehouse;

CREATE FUNCTION raw.ensure_month_partition(ts timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    AS $$
declare
    month_start date := date_trunc('month', ts at time zone 'UTC')::date;
    name text := format('pages_%s', to_char(month_start, 'YYYY_MM'));
begin
    if to_regclass(format('raw.%I', name)) is null then
        perform pg_advisory_xact_lock(hashtext('raw.ensure_month_partition'));
        begin
            execute format(
                'create table if not exists raw.%I partition of raw.pages for values from (%L) to (%L)',
                name,
                (month_start::timestamp at time zone 'UTC'),
                ((month_start + interval '1 month')::timestamp at time zone 'UTC'));
        exception when duplicate_table or unique_violation then
            null;  -- created by a concurrent transaction between our check and our create
        end;
    end if;
    return name;
end $$;

CREATE TABLE dedup.anchors (
    anchor bigint NOT NULL,
    article_id bigint NOT NULL
);

CREATE TABLE dedup.copy_anchors (
    anchor bigint NOT NULL,
    url text NOT NULL
);

CREATE TABLE dedup.copy_signatures (
    url text NOT NULL,
    body_hash text NOT NULL,
    anchors bigint[] NOT NULL
);

CREATE TABLE dedup.fingerprinted_runs (
    run_id bigint NOT NULL,
    generation bigint NOT NULL
);

CREATE TABLE dedup.generation (
    singleton boolean DEFAULT true NOT NULL,
    loads bigint NOT NULL,
    CONSTRAINT generation_singleton_check CHECK (singleton)
);

CREATE TABLE dedup.signatures (
    article_id bigint NOT NULL,
    shingle_count integer NOT NULL,
    published_at timestamp with time zone,
    source text NOT NULL,
    story_terms text[] DEFAULT '{}'::text[] NOT NULL,
    body_hash text,
    anchor_count integer DEFAULT 0 NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    origin_at timestamp with time zone NOT NULL,
    credited_url text
);

CREATE TABLE dedup.source_lines (
    source text NOT NULL,
    line_hash bigint NOT NULL,
    pages integer NOT NULL
);

CREATE TABLE ops.page_outcomes (
    page_id bigint NOT NULL,
    run_id bigint NOT NULL,
    source text NOT NULL,
    url text NOT NULL,
    outcome text NOT NULL,
    article_id bigint,
    detail text,
    decided_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT page_outcomes_outcome_check CHECK ((outcome = ANY (ARRAY['new'::text, 'version'::text, 'unchanged'::text, 'copy'::text, 'not_article'::text, 'rejected'::text])))
);

CREATE SEQUENCE raw.pages_page_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE raw.pages (
    page_id bigint DEFAULT nextval('raw.pages_page_id_seq'::regclass) NOT NULL,
    run_id bigint NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    url text NOT NULL,
    final_url text NOT NULL,
    status integer NOT NULL,
    headers jsonb DEFAULT '{}'::jsonb NOT NULL,
    body bytea,
    fetched_at timestamp with time zone NOT NULL,
    CONSTRAINT pages_kind_check CHECK ((kind = ANY (ARRAY['article'::text, 'feed'::text, 'sitemap'::text, 'section'::text])))
)
PARTITION BY RANGE (fetched_at);

CREATE TABLE stage.articles (
    page_id bigint NOT NULL,
    run_id bigint NOT NULL,
    source text NOT NULL,
    url text NOT NULL,
    final_url text NOT NULL,
    fetched_at timestamp with time zone NOT NULL,
    canonical_url text NOT NULL,
    title text,
    authors text[] DEFAULT '{}'::text[] NOT NULL,
    published_at timestamp with time zone,
    modified_at timestamp with time zone,
    language text,
    description text,
    text text NOT NULL,
    word_count integer NOT NULL,
    provenance jsonb DEFAULT '{}'::jsonb NOT NULL,
    credited_url text,
    extractor_version text DEFAULT 'unrecorded'::text NOT NULL
);

CREATE VIEW ops.extraction_quality AS
 WITH decided AS (
         SELECT p.source,
            ((p.fetched_at AT TIME ZONE 'UTC'::text))::date AS day,
            (a.page_id IS NOT NULL) AS extracted,
            (COALESCE((o.outcome = 'not_article'::text), false) AND (a.page_id IS NULL)) AS not_article,
            (COALESCE((o.outcome = 'rejected'::text), false) AND (a.page_id IS NULL)) AS rejected,
            a.word_count,
            a.published_at,
            a.authors,
            a.title
           FROM ((raw.pages p
             LEFT JOIN stage.articles a ON ((a.page_id = p.page_id)))
             LEFT JOIN ops.page_outcomes o ON ((o.page_id = p.page_id)))
          WHERE ((p.kind = 'article'::text) AND ((a.page_id IS NOT NULL) OR (o.outcome = ANY (ARRAY['not_article'::text, 'rejected'::text]))))
        ), usual AS (
         SELECT k.source,
            k.day,
            ( SELECT percentile_cont((0.5)::double precision) WITHIN GROUP (ORDER BY ((h.word_count)::double precision)) AS percentile_cont
                   FROM stage.articles h
                  WHERE ((h.source = k.source) AND (h.fetched_at >= (((k.day - 30))::timestamp without time zone AT TIME ZONE 'UTC'::text)) AND (h.fetched_at < ((k.day)::timestamp without time zone AT TIME ZONE 'UTC'::text)))) AS usual_words
           FROM ( SELECT DISTINCT decided.source,
                    decided.day
                   FROM decided) k
        ), per_day AS (
         SELECT d.source,
            d.day,
            u.usual_words,
            count(*) AS pages_cleaned,
            count(*) FILTER (WHERE d.extracted) AS articles,
            count(*) FILTER (WHERE d.not_article) AS not_articles,
            count(*) FILTER (WHERE d.rejected) AS rejected,
            count(*) FILTER (WHERE (d.extracted AND (d.published_at IS NULL))) AS no_date,
            count(*) FILTER (WHERE (d.extracted AND (cardinality(d.authors) = 0))) AS no_author,
            count(*) FILTER (WHERE (d.extracted AND (COALESCE(btrim(d.title), ''::text) = ''::text))) AS no_title,
            count(*) FILTER (WHERE (d.extracted AND ((d.word_count)::double precision < ((0.25)::double precision * u.usual_words)))) AS short_articles,
            percentile_cont((0.5)::double precision) WITHIN GROUP (ORDER BY ((d.word_count)::double precision)) FILTER (WHERE d.extracted) AS median_words
           FROM (decided d
             JOIN usual u USING (source, day))
          GROUP BY d.source, d.day, u.usual_words
        )
 SELECT source,
    day,
    pages_cleaned,
    articles,
    not_articles,
    rejected,
    round(((not_articles)::numeric / (NULLIF((articles + not_articles), 0))::numeric), 4) AS share_not_article,
    round(((no_date)::numeric / (NULLIF(articles, 0))::numeric), 4) AS share_no_date,
    round(((no_author)::numeric / (NULLIF(articles, 0))::numeric), 4) AS share_no_author,
    round(((no_title)::numeric / (NULLIF(articles, 0))::numeric), 4) AS share_no_title,
    median_words,
    usual_words,
        CASE
            WHEN (usual_words IS NOT NULL) THEN short_articles
            ELSE NULL::bigint
        END AS short_articles,
        CASE
            WHEN (usual_words IS NOT NULL) THEN round(((short_articles)::numeric / (NULLIF(articles, 0))::numeric), 4)
            ELSE NULL::numeric
        END AS share_short
   FROM per_day;

CREATE TABLE ops.reextractions (
    reextraction_id bigint NOT NULL,
    run_id bigint,
    article_id bigint NOT NULL,
    version_no integer NOT NULL,
    page_id bigint NOT NULL,
    trigger text NOT NULL,
    old_content_hash text NOT NULL,
    new_content_hash text NOT NULL,
    old_extractor_version text NOT NULL,
    new_extractor_version text NOT NULL,
    changed text[] NOT NULL,
    reextracted_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT reextractions_trigger_check CHECK ((trigger = ANY (ARRAY['reclean'::text, 'refetch'::text])))
);

ALTER TABLE ops.reextractions ALTER COLUMN reextraction_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.reextractions_reextraction_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE ops.rejects (
    reject_id bigint NOT NULL,
    run_id bigint,
    page_id bigint,
    source text,
    url text,
    stage text NOT NULL,
    reason text NOT NULL,
    detail text,
    raw bytea,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT rejects_stage_check CHECK ((stage = ANY (ARRAY['fetch'::text, 'clean'::text, 'dedup'::text, 'load'::text])))
);

ALTER TABLE ops.rejects ALTER COLUMN reject_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.rejects_reject_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE ops.runs (
    run_id bigint NOT NULL,
    dag_id text,
    dag_run_id text,
    task text NOT NULL,
    source text,
    interval_start timestamp with time zone NOT NULL,
    interval_end timestamp with time zone NOT NULL,
    started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    finished_at timestamp with time zone,
    status text DEFAULT 'running'::text NOT NULL,
    counters jsonb DEFAULT '{}'::jsonb NOT NULL,
    stats jsonb,
    error text,
    CONSTRAINT runs_check CHECK ((interval_start <= interval_end)),
    CONSTRAINT runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'success'::text, 'failed'::text]))),
    CONSTRAINT runs_task_check CHECK ((task = ANY (ARRAY['fetch'::text, 'clean'::text, 'fingerprint'::text, 'dedup'::text, 'load'::text, 'reclean'::text])))
);

CREATE VIEW ops.run_accounting AS
 SELECT r.run_id,
    r.source,
    r.interval_start,
    r.interval_end,
    r.dag_run_id,
    r.status,
    p.pages,
    p.new,
    p.versions,
    p.unchanged,
    p.copies,
    p.not_articles,
    p.rejected,
    p.undecided,
    f.fetch_failures,
    f.unanswered,
    (p.pages + f.unanswered) AS requests,
    (p.pages = (((((p.new + p.versions) + p.unchanged) + p.copies) + p.not_articles) + p.rejected)) AS balanced
   FROM ((ops.runs r
     CROSS JOIN LATERAL ( SELECT count(*) AS pages,
            count(*) FILTER (WHERE (o.outcome = 'new'::text)) AS new,
            count(*) FILTER (WHERE (o.outcome = 'version'::text)) AS versions,
            count(*) FILTER (WHERE (o.outcome = 'unchanged'::text)) AS unchanged,
            count(*) FILTER (WHERE (o.outcome = 'copy'::text)) AS copies,
            count(*) FILTER (WHERE (o.outcome = 'not_article'::text)) AS not_articles,
            count(*) FILTER (WHERE (o.outcome = 'rejected'::text)) AS rejected,
            count(*) FILTER (WHERE (o.page_id IS NULL)) AS undecided
           FROM (raw.pages pg
             LEFT JOIN ops.page_outcomes o ON ((o.page_id = pg.page_id)))
          WHERE (pg.run_id = r.run_id)) p)
     CROSS JOIN LATERAL ( SELECT count(*) AS fetch_failures,
            count(*) FILTER (WHERE (NOT (EXISTS ( SELECT 1
                   FROM raw.pages pg
                  WHERE ((pg.run_id = r.run_id) AND (pg.url = j.url)))))) AS unanswered
           FROM ops.rejects j
          WHERE ((j.run_id = r.run_id) AND (j.stage = 'fetch'::text))) f)
  WHERE (r.task = 'fetch'::text);

ALTER TABLE ops.runs ALTER COLUMN run_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.runs_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE ops.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE raw.listings (
    source text NOT NULL,
    url text NOT NULL,
    kind text NOT NULL,
    etag text,
    last_modified text,
    entries jsonb NOT NULL,
    fetched_at timestamp with time zone NOT NULL,
    CONSTRAINT listings_kind_check CHECK ((kind = ANY (ARRAY['feed'::text, 'sitemap'::text, 'sitemap_index'::text, 'section'::text])))
);

CREATE TABLE stage.fingerprints (
    page_id bigint NOT NULL,
    content_hash text NOT NULL,
    body_hash text NOT NULL,
    anchors bigint[] NOT NULL,
    shingle_count integer NOT NULL,
    line_hashes bigint[] NOT NULL,
    story_terms text[] NOT NULL
);

CREATE TABLE warehouse.article_copies (
    url text NOT NULL,
    source text NOT NULL,
    article_id bigint NOT NULL,
    kind text NOT NULL,
    similarity real NOT NULL,
    title text,
    published_at timestamp with time zone,
    first_seen_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    CONSTRAINT article_copies_kind_check CHECK ((kind = ANY (ARRAY['exact'::text, 'near'::text, 'partial'::text]))),
    CONSTRAINT article_copies_similarity_check CHECK (((similarity >= (0)::double precision) AND (similarity <= (1)::double precision)))
);

CREATE TABLE warehouse.article_urls (
    url text NOT NULL,
    canonical_url text NOT NULL,
    article_id bigint NOT NULL,
    source text NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL
);

CREATE TABLE warehouse.article_versions (
    article_id bigint NOT NULL,
    version_no integer NOT NULL,
    fetched_at timestamp with time zone NOT NULL,
    content_hash text NOT NULL,
    title text,
    text text NOT NULL,
    page_id bigint,
    extractor_version text DEFAULT 'unrecorded'::text NOT NULL
);

CREATE TABLE warehouse.articles (
    article_id bigint NOT NULL,
    source text NOT NULL,
    canonical_url text NOT NULL,
    title text,
    authors text[] DEFAULT '{}'::text[] NOT NULL,
    published_at timestamp with time zone,
    modified_at timestamp with time zone,
    language text,
    description text,
    text text NOT NULL,
    word_count integer NOT NULL,
    content_hash text NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    version_count integer DEFAULT 1 NOT NULL,
    story_id bigint,
    provenance jsonb DEFAULT '{}'::jsonb NOT NULL,
    search_config regconfig DEFAULT 'simple'::regconfig NOT NULL,
    search tsvector GENERATED ALWAYS AS (((setweight(to_tsvector(search_config, COALESCE(title, ''::text)), 'A'::"char") || setweight(to_tsvector(search_config, COALESCE(description, ''::text)), 'B'::"char")) || setweight(to_tsvector(search_config, text), 'C'::"char"))) STORED,
    extractor_version text DEFAULT 'unrecorded'::text NOT NULL
);

ALTER TABLE warehouse.articles ALTER COLUMN article_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME warehouse.articles_article_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE warehouse.daily_source_summary (
    day date NOT NULL,
    source text NOT NULL,
    articles integer NOT NULL,
    copies integer NOT NULL,
    words bigint NOT NULL,
    refreshed_at timestamp with time zone NOT NULL
);

CREATE TABLE warehouse.language_configs (
    language text NOT NULL,
    config regconfig NOT NULL
);

CREATE VIEW warehouse.stories AS
 SELECT story_id,
    (array_agg(title ORDER BY published_at, article_id))[1] AS title,
    min(published_at) AS first_published_at,
    (count(*))::integer AS article_count,
    array_agg(DISTINCT source ORDER BY source) AS sources
   FROM warehouse.articles a
  WHERE (story_id IS NOT NULL)
  GROUP BY story_id;

ALTER TABLE ONLY dedup.anchors
    ADD CONSTRAINT anchors_pkey PRIMARY KEY (anchor, article_id);

ALTER TABLE ONLY dedup.copy_anchors
    ADD CONSTRAINT copy_anchors_pkey PRIMARY KEY (anchor, url);

ALTER TABLE ONLY dedup.copy_signatures
    ADD CONSTRAINT copy_signatures_pkey PRIMARY KEY (url);

ALTER TABLE ONLY dedup.fingerprinted_runs
    ADD CONSTRAINT fingerprinted_runs_pkey PRIMARY KEY (run_id);

ALTER TABLE ONLY dedup.generation
    ADD CONSTRAINT generation_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY dedup.signatures
    ADD CONSTRAINT signatures_pkey PRIMARY KEY (article_id);

ALTER TABLE ONLY dedup.source_lines
    ADD CONSTRAINT source_lines_pkey PRIMARY KEY (source, line_hash);

ALTER TABLE ONLY ops.page_outcomes
    ADD CONSTRAINT page_outcomes_pkey PRIMARY KEY (page_id);

ALTER TABLE ONLY ops.reextractions
    ADD CONSTRAINT reextractions_pkey PRIMARY KEY (reextraction_id);

ALTER TABLE ONLY ops.rejects
    ADD CONSTRAINT rejects_pkey PRIMARY KEY (reject_id);

ALTER TABLE ONLY ops.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (run_id);

ALTER TABLE ONLY ops.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY raw.listings
    ADD CONSTRAINT listings_pkey PRIMARY KEY (source, url);

ALTER TABLE ONLY raw.pages
    ADD CONSTRAINT pages_pkey PRIMARY KEY (page_id, fetched_at);

ALTER TABLE ONLY stage.articles
    ADD CONSTRAINT articles_pkey PRIMARY KEY (page_id);

ALTER TABLE ONLY stage.fingerprints
    ADD CONSTRAINT fingerprints_pkey PRIMARY KEY (page_id);

ALTER TABLE ONLY warehouse.article_copies
    ADD CONSTRAINT article_copies_pkey PRIMARY KEY (url);

ALTER TABLE ONLY warehouse.article_urls
    ADD CONSTRAINT article_urls_pkey PRIMARY KEY (url);

ALTER TABLE ONLY warehouse.article_versions
    ADD CONSTRAINT article_versions_pkey PRIMARY KEY (article_id, version_no);

ALTER TABLE ONLY warehouse.articles
    ADD CONSTRAINT articles_canonical_url_key UNIQUE (canonical_url);

ALTER TABLE ONLY warehouse.articles
    ADD CONSTRAINT articles_pkey PRIMARY KEY (article_id);

ALTER TABLE ONLY warehouse.daily_source_summary
    ADD CONSTRAINT daily_source_summary_pkey PRIMARY KEY (day, source);

ALTER TABLE ONLY warehouse.language_configs
    ADD CONSTRAINT language_configs_pkey PRIMARY KEY (language);

CREATE INDEX anchors_article_idx ON dedup.anchors USING btree (article_id);

CREATE INDEX copy_anchors_url_idx ON dedup.copy_anchors USING btree (url);

CREATE INDEX signatures_body_hash_idx ON dedup.signatures USING btree (body_hash);

CREATE INDEX signatures_credited_url_idx ON dedup.signatures USING btree (credited_url) WHERE (credited_url IS NOT NULL);

CREATE INDEX signatures_first_seen_idx ON dedup.signatures USING btree (first_seen_at);

CREATE INDEX signatures_story_terms_idx ON dedup.signatures USING gin (story_terms);

CREATE INDEX page_outcomes_run_idx ON ops.page_outcomes USING btree (run_id);

CREATE INDEX reextractions_article_idx ON ops.reextractions USING btree (article_id);

CREATE UNIQUE INDEX rejects_page_stage_idx ON ops.rejects USING btree (page_id, stage) WHERE (page_id IS NOT NULL);

CREATE INDEX rejects_run_idx ON ops.rejects USING btree (run_id);

CREATE INDEX runs_key_idx ON ops.runs USING btree (task, source, interval_start, interval_end, run_id DESC);

CREATE INDEX pages_run_idx ON ONLY raw.pages USING btree (run_id);

CREATE INDEX pages_url_idx ON ONLY raw.pages USING btree (url);

CREATE INDEX stage_articles_run_idx ON stage.articles USING btree (run_id);

CREATE INDEX stage_articles_source_fetched_idx ON stage.articles USING btree (source, fetched_at);

CREATE INDEX article_copies_article_idx ON warehouse.article_copies USING btree (article_id);

CREATE INDEX article_urls_article_idx ON warehouse.article_urls USING btree (article_id);

CREATE INDEX articles_content_hash_idx ON warehouse.articles USING btree (content_hash);

CREATE INDEX articles_published_idx ON warehouse.articles USING btree (published_at);

CREATE INDEX articles_search_idx ON warehouse.articles USING gin (search);

CREATE INDEX articles_source_published_idx ON warehouse.articles USING btree (source, published_at);

CREATE INDEX articles_story_idx ON warehouse.articles USING btree (story_id);

ALTER TABLE ONLY dedup.copy_signatures
    ADD CONSTRAINT copy_signatures_url_fkey FOREIGN KEY (url) REFERENCES warehouse.article_copies(url) ON DELETE CASCADE;

ALTER TABLE ONLY dedup.signatures
    ADD CONSTRAINT signatures_article_id_fkey FOREIGN KEY (article_id) REFERENCES warehouse.articles(article_id) ON DELETE CASCADE;

ALTER TABLE ONLY stage.fingerprints
    ADD CONSTRAINT fingerprints_page_id_fkey FOREIGN KEY (page_id) REFERENCES stage.articles(page_id) ON DELETE CASCADE;

ALTER TABLE ONLY warehouse.article_copies
    ADD CONSTRAINT article_copies_article_id_fkey FOREIGN KEY (article_id) REFERENCES warehouse.articles(article_id) ON DELETE CASCADE;

ALTER TABLE ONLY warehouse.article_urls
    ADD CONSTRAINT article_urls_article_id_fkey FOREIGN KEY (article_id) REFERENCES warehouse.articles(article_id) ON DELETE CASCADE;

ALTER TABLE ONLY warehouse.article_versions
    ADD CONSTRAINT article_versions_article_id_fkey FOREIGN KEY (article_id) REFERENCES warehouse.articles(article_id) ON DELETE CASCADE;
