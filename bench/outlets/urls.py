"""URL shapes: how each scheme names an article, and trap pages cut to the same shape."""
from __future__ import annotations

from datetime import datetime

ARTICLE = {
    "date": "/{when:%Y/%m/%d}/{slug}/",
    "id": "/article/{page_id}",
    "slug": "/news/{slug}",
    "query": "/story.php?id={page_id}",
    "html": "/{section}/{slug}-{page_id}.html",
}
# A video, gallery, tag or author page whose URL has the depth and shape of the scheme's articles.
TRAP = {
    "date": {"video": "/video/{when:%Y/%m/%d}/{slug}/", "gallery": "/{when:%Y/%m/%d}/gallery-{slug}/",
             "tag": "/tag/{slug}/", "author": "/author/{slug}/"},
    "id": {"video": "/video/{page_id}", "gallery": "/gallery/{page_id}",
           "tag": "/topic/{slug}", "author": "/author/{slug}"},
    "slug": {"video": "/video/{slug}", "gallery": "/gallery/{slug}", "tag": "/tag/{slug}", "author": "/author/{slug}"},
    "query": {"video": "/video.php?id={page_id}", "gallery": "/gallery.php?id={page_id}",
              "tag": "/tag.php?t={slug}", "author": "/author.php?id={page_id}"},
    "html": {"video": "/video/{slug}-{page_id}.html", "gallery": "/gallery/{slug}-{page_id}.html",
             "tag": "/tag/{slug}.html", "author": "/author/{slug}.html"},
}


def article_path(scheme: str, *, slug: str, page_id: int, when: datetime, section: str) -> str:
    return ARTICLE[scheme].format(slug=slug, page_id=page_id, when=when, section=section)


def trap_path(kind: str, scheme: str, *, slug: str, page_id: int, when: datetime) -> str:
    return TRAP[scheme][kind].format(slug=slug, page_id=page_id, when=when)


def amp_path(style: str, path: str) -> str:
    if style == "path":
        return "/amp" + path
    return path + ("&" if "?" in path else "?") + "amp=1"


def section_path(section: str, page: int, paging: str) -> str:
    if page == 1:
        return f"/{section}/"
    return f"/{section}/page/{page}/" if paging == "path" else f"/{section}/?page={page}"
