-- wirehouse 007: fingerprints that went stale while another run loaded.
-- dedup fingerprints a run's articles against what the warehouse holds at that moment (which
-- URLs are known, which lines are a source's boilerplate). When two runs overlap, the other one
-- may load between this run's dedup and its load; the load then fingerprints again under its
-- lock, so overlapping runs end as if they had run one after the other.
-- dedup.generation counts loads; dedup.fingerprinted_runs says at which count a run was fingerprinted.
create table dedup.generation (
    singleton boolean primary key default true check (singleton),
    loads bigint not null
);
insert into dedup.generation values (true, 0);

create table dedup.fingerprinted_runs (
    run_id bigint primary key,
    generation bigint not null
);
