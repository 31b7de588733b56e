"""trafilatura's own metadata, the field pickers' last resort, read only when a picker asks for it.

Asked for its metadata along with the text, trafilatura searches every page for an author, a date,
the site's name, categories, tags and a licence: as much work as the text extraction itself. The
pickers read the page's declared metadata first and need trafilatura's guesses on few pages, so
the text is extracted alone and each guess is made here the first time it is asked for, with the
same trafilatura functions ``trafilatura.metadata.extract_metadata`` runs.
"""

from __future__ import annotations

from functools import cached_property

from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.settings import Document


class TrafilaturaGuesses:
    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree

    @cached_property
    def _declared(self) -> Document:
        """The page's meta tags and JSON-LD as trafilatura reads them."""
        document = examine_meta(self._tree)
        if document.author and " " not in document.author:  # a one-word meta author is a handle, not a name
            document.author = None
        try:
            return extract_meta_json(self._tree, document)
        except Exception:  # as in trafilatura: its JSON-LD reader is not exhaustive on broken data
            return document

    @cached_property
    def title(self) -> str | None:
        return _trimmed(self._declared.title or extract_title(self._tree))

    @cached_property
    def author(self) -> str | None:
        return _trimmed(self._declared.author or extract_author(self._tree))

    @cached_property
    def description(self) -> str | None:
        return _trimmed(self._declared.description)


def _trimmed(value: str | None) -> str | None:
    """As trafilatura's ``Document.clean_and_trim`` leaves a field."""
    if not value:
        return value
    document = Document()
    document.title = value
    document.clean_and_trim()
    return document.title
