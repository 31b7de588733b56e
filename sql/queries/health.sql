-- name: source_days
-- What the pipeline saw of each source on each UTC day from %(first)s to %(last)s (dates, inclusive): the
-- fetch runs started that day, by data interval (one fetched when a run of it succeeded, failed when every
-- run of it failed, empty when it was fetched and gave no staged article, listing_failed when a feed, sitemap
-- or section page of it failed), the pages and fetch rejects of
-- that day (HTTP errors and unreadable listings of feeds, sitemaps and section pages counted apart,
-- refusals by robots.txt apart) and the day's row of ops.extraction_quality.
with bounds as (
    select (%(first)s::date)::timestamp at time zone 'UTC' as lower,
           (%(last)s::date + 1)::timestamp at time zone 'UTC' as upper
), fetch_runs as (
    select r.run_id, r.source, (r.started_at at time zone 'UTC')::date as day, r.interval_start, r.interval_end,
           r.status, r.error, (select count(*) from stage.articles a where a.run_id = r.run_id) as articles,
           exists (select 1 from raw.pages p where p.run_id = r.run_id and p.kind <> 'article' and p.status >= 400)
           or exists (select 1 from ops.rejects j where j.run_id = r.run_id and j.stage = 'fetch'
                      and starts_with(j.reason, 'unreadable ')) as listing_failed
    from ops.runs r cross join bounds b
    where r.task = 'fetch' and r.source is not null and r.started_at >= b.lower and r.started_at < b.upper
), intervals as (
    select source, day, bool_or(status = 'success') as fetched,
           bool_or(status = 'failed') and not bool_or(status = 'success') as failed,
           (array_agg(error order by run_id desc) filter (where status = 'failed'))[1] as error,
           sum(articles)::bigint as articles, bool_or(listing_failed) as listing_failed
    from fetch_runs group by source, day, interval_start, interval_end
), runs as (
    select source, day, count(*) as intervals,
           count(*) filter (where failed) as failed_intervals,
           count(*) filter (where fetched and articles = 0) as empty_intervals,
           count(*) filter (where listing_failed) as listing_failed_intervals,
           coalesce(sum(articles) filter (where fetched), 0)::bigint as articles,
           (array_agg(error) filter (where failed))[1] as error
    from intervals group by source, day
), pages as (
    select p.source, (p.fetched_at at time zone 'UTC')::date as day, count(*) as pages,
           count(*) filter (where p.status >= 400 and p.kind = 'article') as article_errors,
           count(*) filter (where p.status >= 400 and p.kind <> 'article') as listing_errors,
           min(p.kind || ' ' || p.url || ' answered HTTP ' || p.status)
               filter (where p.status >= 400 and p.kind <> 'article') as listing_example
    from raw.pages p cross join bounds b
    where p.fetched_at >= b.lower and p.fetched_at < b.upper
    group by 1, 2
), rejects as (
    select j.source, (j.created_at at time zone 'UTC')::date as day,
           count(*) filter (where j.reason = %(robots)s) as forbidden,
           min(j.url) filter (where j.reason = %(robots)s) as forbidden_example,
           count(*) filter (where starts_with(j.reason, 'unreadable ')) as unreadable,
           min(j.reason || ': ' || j.url) filter (where starts_with(j.reason, 'unreadable ')) as unreadable_example,
           count(*) filter (where j.reason <> %(robots)s and not starts_with(j.reason, 'unreadable ')) as failures,
           min(j.reason || ': ' || j.url)
               filter (where j.reason <> %(robots)s and not starts_with(j.reason, 'unreadable ')) as failure_example
    from ops.rejects j cross join bounds b
    where j.stage = 'fetch' and j.source is not null and j.created_at >= b.lower and j.created_at < b.upper
    group by 1, 2
), quality as (
    select * from ops.extraction_quality where day between %(first)s::date and %(last)s::date
), keys as (
    select source, day from runs union select source, day from pages
    union select source, day from rejects union select source, day from quality
)
select k.source, k.day,
       coalesce(r.intervals, 0), coalesce(r.failed_intervals, 0), coalesce(r.empty_intervals, 0),
       coalesce(r.listing_failed_intervals, 0), coalesce(r.articles, 0), r.error,
       coalesce(p.pages, 0), coalesce(p.article_errors, 0), coalesce(p.listing_errors, 0), p.listing_example,
       coalesce(j.forbidden, 0), j.forbidden_example, coalesce(j.unreadable, 0), j.unreadable_example,
       coalesce(j.failures, 0), j.failure_example,
       coalesce(q.pages_cleaned, 0), q.share_not_article, q.share_no_date, q.share_no_author, q.share_short,
       q.median_words, q.usual_words
from keys k
left join runs r using (source, day)
left join pages p using (source, day)
left join rejects j using (source, day)
left join quality q using (source, day)
where %(sources)s::text[] is null or k.source = any(%(sources)s::text[])
order by k.source, k.day
