-- name: raw_partitions
-- The monthly partitions of raw.pages whose whole range ends at or before the cutoff, oldest first,
-- with their size on disk.
select c.relname, b.upper_bound, pg_total_relation_size(c.oid) as bytes
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
join pg_class p on p.oid = i.inhparent
join pg_namespace n on n.oid = p.relnamespace
cross join lateral (
    select (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz as upper_bound) b
where n.nspname = 'raw' and p.relname = 'pages' and b.upper_bound <= %(cutoff)s
order by b.upper_bound

-- name: delete_staged
-- Staged articles (and their fingerprints, by cascade) of pages fetched before the dropped partitions' end.
delete from stage.articles where fetched_at < %(until)s

-- name: delete_anchors
-- Anchors of articles first seen before the cutoff: outside every look-back window, they can no longer
-- be near or partial matches (exact matches use the hashes in dedup.signatures, which stay).
delete from dedup.anchors x using dedup.signatures s
where s.article_id = x.article_id and s.first_seen_at < %(anchor_cutoff)s

-- name: delete_copy_anchors
-- Anchors of copies whose article was first seen before the cutoff, for the same reason.
delete from dedup.copy_anchors x using warehouse.article_copies c, dedup.signatures s
where c.url = x.url and s.article_id = c.article_id and s.first_seen_at < %(anchor_cutoff)s

-- name: delete_outcomes
-- Page outcomes decided before the cutoff.
delete from ops.page_outcomes where decided_at < %(ops_cutoff)s

-- name: delete_rejects
-- Rejects (with their raw bytes) recorded before the cutoff.
delete from ops.rejects where created_at < %(ops_cutoff)s

-- name: delete_reextractions
-- The re-extraction audit recorded before the cutoff.
delete from ops.reextractions where reextracted_at < %(ops_cutoff)s

-- name: delete_fingerprinted_runs
-- What the fingerprint task recorded of the runs about to be deleted.
delete from dedup.fingerprinted_runs f using ops.runs r
where r.run_id = f.run_id and r.started_at < %(ops_cutoff)s and r.status <> 'running'

-- name: delete_runs
-- Task runs started before the cutoff that have ended.
delete from ops.runs where started_at < %(ops_cutoff)s and status <> 'running'
