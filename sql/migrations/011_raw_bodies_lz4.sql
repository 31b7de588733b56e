-- wirehouse 011: raw page bodies are compressed with lz4 where the server has it.
-- Bodies average ~200 KB of HTML; PostgreSQL's default pglz compressed 1,000 of them in 2.8 s of
-- server CPU, lz4 in 0.65 s to the same size (bench: COPY of the benchmark site's pages), and
-- fetching is what pays for it. A server built without lz4 (the embedded pgserver) keeps pglz.
-- New month partitions inherit the parent's setting; existing ones are changed here (only new
-- values are compressed the new way).
do $$
declare
    partition regclass;
begin
    if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
        alter table raw.pages alter column body set compression lz4;
        for partition in select inhrelid::regclass from pg_inherits where inhparent = 'raw.pages'::regclass loop
            execute format('alter table %s alter column body set compression lz4', partition);
        end loop;
    end if;
end $$;
