-- wirehouse 009: dedup.anchors loses its foreign key to warehouse.articles.
-- About 60 anchors are written per article, and the key's check trigger ran for each of them:
-- it was the largest single cost of a load after the articles themselves (3 of 18 s for 1,000
-- articles). The anchors are dedup's own index, written in the same transaction as their
-- article; an article deleted by hand leaves anchors that simply match nothing.
alter table dedup.anchors drop constraint anchors_article_id_fkey;
