-- wirehouse 002: ops.extraction_quality, how well the clean stage extracted each source, per day.
--
-- One row per (source, day of fetch in UTC) over the article pages the clean stage has decided:
-- extracted into stage.articles, "not an article", or rejected. Shares are fractions (0..1):
--   share_not_article   of the pages that reached extraction, those that came out "not an article"
--                       (no main text, too short, og:type not an article)
--   share_no_date/author/title  of the extracted articles, those missing the field
--   share_short         of the extracted articles, those with fewer than a quarter of the words the
--                       source's articles usually have (the median over the previous 30 days,
--                       `usual_words`; null while there is no history). A jump in share_short or
--                       share_not_article is the sign that a site changed its template.

-- the 30-day look-back reads a source's recent articles by fetch time
create index stage_articles_source_fetched_idx on stage.articles (source, fetched_at);

create view ops.extraction_quality as
with decided as (
    select p.source,
           (p.fetched_at at time zone 'UTC')::date as day,
           a.page_id is not null as extracted,
           coalesce(o.outcome = 'not_article', false) and a.page_id is null as not_article,
           coalesce(o.outcome = 'rejected', false) and a.page_id is null as rejected,
           a.word_count,
           a.published_at,
           a.authors,
           a.title
    from raw.pages p
    left join stage.articles a on a.page_id = p.page_id
    left join ops.page_outcomes o on o.page_id = p.page_id
    where p.kind = 'article'
      and (a.page_id is not null or o.outcome in ('not_article', 'rejected'))
),
usual as (
    select k.source, k.day,
           (select percentile_cont(0.5) within group (order by h.word_count)
            from stage.articles h
            where h.source = k.source
              and h.fetched_at >= (k.day - 30)::timestamp at time zone 'UTC'
              and h.fetched_at < k.day::timestamp at time zone 'UTC') as usual_words
    from (select distinct source, day from decided) k
),
per_day as (
    select d.source, d.day, u.usual_words,
           count(*) as pages_cleaned,
           count(*) filter (where d.extracted) as articles,
           count(*) filter (where d.not_article) as not_articles,
           count(*) filter (where d.rejected) as rejected,
           count(*) filter (where d.extracted and d.published_at is null) as no_date,
           count(*) filter (where d.extracted and cardinality(d.authors) = 0) as no_author,
           count(*) filter (where d.extracted and coalesce(btrim(d.title), '') = '') as no_title,
           count(*) filter (where d.extracted and d.word_count < 0.25 * u.usual_words) as short_articles,
           percentile_cont(0.5) within group (order by d.word_count) filter (where d.extracted) as median_words
    from decided d
    join usual u using (source, day)
    group by d.source, d.day, u.usual_words
)
select source,
       day,
       pages_cleaned,
       articles,
       not_articles,
       rejected,
       round(not_articles::numeric / nullif(articles + not_articles, 0), 4) as share_not_article,
       round(no_date::numeric / nullif(articles, 0), 4) as share_no_date,
       round(no_author::numeric / nullif(articles, 0), 4) as share_no_author,
       round(no_title::numeric / nullif(articles, 0), 4) as share_no_title,
       median_words,
       usual_words,
       case when usual_words is not null then short_articles end as short_articles,
       case when usual_words is not null then round(short_articles::numeric / nullif(articles, 0), 4) end
           as share_short
from per_day;

comment on view ops.extraction_quality is
    'Per source and UTC fetch day: article pages cleaned, shares not an article / without date, author or title, '
    'and share far shorter (< 25 %) than the source''s median word count over the previous 30 days.';
