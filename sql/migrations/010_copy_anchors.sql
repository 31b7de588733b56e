-- wirehouse 010: copies are searched too, so that dedup does not depend on arrival order.
-- A page that matches a copy belongs with that copy's original even when it does not match the
-- original itself (a truncated excerpt of an edited copy): the copies of one article are one
-- cluster, its original the earliest published page of the cluster. dedup.copy_anchors is to
-- copies what dedup.anchors is to articles: an indexed equality join finds them. No foreign
-- key, like dedup.anchors (migration 009): a copy deleted by hand leaves anchors that join
-- nothing in warehouse.article_copies and so match nothing.
create table dedup.copy_anchors (
    anchor          bigint not null,
    url             text not null,
    primary key (anchor, url)
);
create index copy_anchors_url_idx on dedup.copy_anchors (url);

insert into dedup.copy_anchors (anchor, url)
select distinct a, s.url from dedup.copy_signatures s cross join unnest(s.anchors) as a;
