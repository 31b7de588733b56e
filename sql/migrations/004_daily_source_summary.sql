-- wirehouse 004: a small derived table, refreshed by the warehouse_daily_summary DAG when articles land.
create table warehouse.daily_source_summary (
    day             date not null,
    source          text not null,
    articles        integer not null,
    copies          integer not null,
    words           bigint not null,
    refreshed_at    timestamptz not null,
    primary key (day, source)
);
