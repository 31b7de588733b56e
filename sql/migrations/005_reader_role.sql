-- wirehouse 005: wirehouse_reader, a role for people who only query the warehouse.
-- It can read every table and view of the `warehouse` schema (the public contract), now and
-- later, and nothing else: not raw.pages or ops.rejects (raw bytes of other sites' pages), not
-- stage/dedup/ops (the pipeline's own state). It cannot log in: grant it to a login role,
--   create role alice login password '...' in role wirehouse_reader;   -- or: grant wirehouse_reader to alice;
-- Roles belong to the server, not the database: several warehouses on one server share it, so
-- it is created only when missing. A migrator without CREATEROLE skips the role with a warning
-- instead of failing every run; the grants follow whenever the role exists.
do $$
begin
    if not exists (select from pg_roles where rolname = 'wirehouse_reader') then
        begin
            create role wirehouse_reader nologin;
        exception
            when duplicate_object then null;  -- another database's migration created it meanwhile
            when insufficient_privilege then
                raise warning 'wirehouse_reader not created (no CREATEROLE): ask a superuser to'
                    ' "create role wirehouse_reader nologin", then run sql/migrations/005_reader_role.sql again';
                return;
        end;
    end if;
    grant usage on schema warehouse to wirehouse_reader;
    grant select on all tables in schema warehouse to wirehouse_reader;
    -- tables and views the migrator creates in warehouse later are readable too
    alter default privileges in schema warehouse grant select on tables to wirehouse_reader;
end $$;
