"""HTML → clean article: text, title, authors, dates, language; cleaning rules."""

from extract.article import CleaningRules, ExtractedPage, extract_article, warm_up
from extract.version import EXTRACTOR_VERSION, extractor_version

__all__ = ["CleaningRules", "EXTRACTOR_VERSION", "ExtractedPage", "extract_article", "extractor_version", "warm_up"]
