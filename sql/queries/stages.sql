-- Queries of the fetch and clean tasks (wirehouse/pipeline.py).

-- name: pages_by_kind
-- Pages stored by each of these fetch runs, by kind.
select run_id, kind, count(*) from raw.pages where run_id = any(%(runs)s) group by 1, 2

-- name: fetch_failures
-- Fetch rejects of each of these runs by reason, most frequent first, with one URL of each.
select run_id, reason, count(*), min(url) from ops.rejects
where run_id = any(%(runs)s) and stage = 'fetch' group by 1, 2 order by 1, 3 desc, 2

-- name: last_fetch_error
-- The error of the source's latest fetch run for the interval (null when it succeeded).
select error from ops.runs where task = 'fetch' and source = %(source)s
    and interval_start = %(start)s and interval_end = %(end)s
order by run_id desc limit 1

-- name: pages_to_clean_count
-- How many pages of these fetch runs no outcome has been recorded for.
select count(*) from raw.pages p
where p.run_id = any(%(runs)s) and not exists (select 1 from ops.page_outcomes o where o.page_id = p.page_id)

-- name: pages_to_clean
-- The fetch run's pages no outcome has been recorded for, in page order (a named cursor streams them).
select p.page_id, p.kind, p.url, p.final_url, p.status, p.headers, p.body, p.fetched_at
from raw.pages p where p.run_id = %(run)s
and not exists (select 1 from ops.page_outcomes o where o.page_id = p.page_id)
order by p.page_id
