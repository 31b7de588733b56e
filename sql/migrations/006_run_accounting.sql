-- wirehouse 006: ops.run_accounting counted page by page, and says whether each fetch balances.
-- 001 counted outcomes by their run_id and took `undecided` as the difference, so an outcome
-- without its page hid a page without an outcome. Now every page of the fetch is joined to its
-- one outcome (ops.page_outcomes is keyed by page_id): undecided is the pages without one, and
--   balanced: pages = new + versions + unchanged + copies + not_articles + rejected.
-- fetch_failures mixed requests that got no response with feeds and sitemaps that were stored
-- (and counted as not_articles) but unreadable; `unanswered` is the first kind only, so that
--   requests = pages + unanswered
-- is every URL the crawl asked for. A failed fetch (killed, timed out) keeps its pages
-- undecided: its rerun fetches them again under a run of its own.
create or replace view ops.run_accounting as
select r.run_id, r.source, r.interval_start, r.interval_end, r.dag_run_id, r.status,
       p.pages, p.new, p.versions, p.unchanged, p.copies, p.not_articles, p.rejected, p.undecided,
       f.fetch_failures,
       f.unanswered,
       p.pages + f.unanswered as requests,
       p.pages = p.new + p.versions + p.unchanged + p.copies + p.not_articles + p.rejected as balanced
from ops.runs r
cross join lateral (
    select count(*) as pages,
           count(*) filter (where o.outcome = 'new') as new,
           count(*) filter (where o.outcome = 'version') as versions,
           count(*) filter (where o.outcome = 'unchanged') as unchanged,
           count(*) filter (where o.outcome = 'copy') as copies,
           count(*) filter (where o.outcome = 'not_article') as not_articles,
           count(*) filter (where o.outcome = 'rejected') as rejected,
           count(*) filter (where o.page_id is null) as undecided
    from raw.pages pg left join ops.page_outcomes o on o.page_id = pg.page_id
    where pg.run_id = r.run_id) p
cross join lateral (
    select count(*) as fetch_failures,
           count(*) filter (where not exists (
               select 1 from raw.pages pg where pg.run_id = r.run_id and pg.url = j.url)) as unanswered
    from ops.rejects j where j.run_id = r.run_id and j.stage = 'fetch') f
where r.task = 'fetch';
