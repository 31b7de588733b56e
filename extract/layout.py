"""The page's tree made ready for trafilatura: what the markup shows is not the story is taken out, and
tables that only lay the page out are made plain blocks. These change the tree every later step reads."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from extract.metadata import run_together_text

# WordPress names the post a page shows in <body class="postid-N"> (a page: "page-id-N") and gives every
# post it renders the id "post-M": the page's own post and the recent or related posts listed with it.
_OWN_POST = re.compile(r"(?:^|\s)(?:postid|page-id)-(\d+)(?:\s|$)")
_POST_ID = re.compile(r"post-(\d+)")
# An element so marked holding more than this share of the page's text holds the story, whatever its id says
# (markup left unclosed can nest the story in a listed post).
MAX_OTHER_POST_SHARE = 0.5


def drop_other_posts(tree: HtmlElement) -> int:
    """Remove from ``tree`` the other posts a WordPress page lists beside its own (recent posts, related
    posts, the next post's excerpt), so that neither the text nor the byline or date pickers read them.
    Returns how many were removed."""
    body = tree.find("body")
    own = _OWN_POST.search(body.get("class") or "") if body is not None else None
    if own is None:
        return 0
    others = [element for element in tree.xpath('//*[starts-with(@id, "post-")]')
              if (match := _POST_ID.fullmatch(element.get("id"))) and match.group(1) != own.group(1)]
    if not others:
        return 0
    page_length = len(run_together_text(body))
    removed: list[HtmlElement] = []
    for element in others:  # in page order, so a listed post holding others is seen first
        if any(ancestor in removed for ancestor in element.iterancestors()):
            continue
        if len(run_together_text(element)) <= MAX_OTHER_POST_SHARE * page_length:
            element.drop_tree()  # its tail stays: that text belongs to its container
            removed.append(element)
    return len(removed)


_TABLE_PARTS = ("thead", "tbody", "tfoot")


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn the tables that lay a page out into plain blocks: read as a data table, the story, its headline and the
    sidebar beside it run together into one row."""
    for table in list(tree.iter("table")):
        cells = [cell for row in _rows(table) for cell in row if cell.tag in ("td", "th")]
        if any(_lays_out(cell) for cell in cells):
            for element in (table, *_parts(table), *_rows(table), *cells):
                element.tag = "div"


def _parts(table: HtmlElement) -> list[HtmlElement]:
    return [child for child in table if child.tag in _TABLE_PARTS]


def _rows(table: HtmlElement) -> list[HtmlElement]:
    return [row for part in (table, *_parts(table)) for row in part if row.tag == "tr"]


def _lays_out(cell: HtmlElement) -> bool:
    """The cell holds a table of its own: a page laid out in nested tables."""
    return next(cell.iter("table"), None) is not None
