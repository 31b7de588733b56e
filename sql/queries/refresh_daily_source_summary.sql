-- Rebuilds warehouse.daily_source_summary from the warehouse (after emptying it, in one transaction).
insert into warehouse.daily_source_summary (day, source, articles, copies, words, refreshed_at)
select day, source, sum(articles), sum(copies), sum(words), %(refreshed_at)s
from (
    select (published_at at time zone 'UTC')::date as day, source, 1 as articles, 0 as copies, word_count as words
    from warehouse.articles where published_at is not null
    union all
    select (published_at at time zone 'UTC')::date, source, 0, 1, 0
    from warehouse.article_copies where published_at is not null
) counted
group by day, source;
