-- wirehouse 008: two fetches starting in a month without a raw.pages partition raced to create it;
-- one failed with duplicate_table (create table if not exists is not safe against a concurrent
-- create). The creation is now serialised by an advisory lock, and a lost race is not an error.
create or replace function raw.ensure_month_partition(ts timestamptz) returns text
language plpgsql as $$
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
