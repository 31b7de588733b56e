"""HTML → clean article: text, title, authors, dates, language; cleaning rules."""

from extract.article import CleaningRules, ExtractedPage, extract_article

__all__ = ["CleaningRules", "ExtractedPage", "extract_article"]
