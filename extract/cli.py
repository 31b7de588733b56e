"""Extract saved pages from disk: the work behind `wirehouse extract FILE...`."""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from extract.article import extract_article


def read_page(path: str) -> bytes:
    """The raw bytes of a saved page; `.gz` files are decompressed."""
    data = Path(path).read_bytes()
    return gzip.decompress(data) if path.endswith(".gz") else data


def extract_files(paths: list[str], urls: Mapping[str, str] | None = None) -> Iterator[dict]:
    """One JSON-ready dict per path: the extracted page, or {"source", "error"}.

    ``urls`` optionally maps a path to the URL the page was fetched from (the clean
    stage always knows it); it resolves relative links and is one of the date sources.
    """
    for path in paths:
        try:
            data = read_page(path)
        except FileNotFoundError:
            yield {"source": path, "error": f"cannot read {path}: no such file"}
            continue
        except IsADirectoryError:
            yield {"source": path, "error": f"cannot read {path}: is a directory"}
            continue
        except (OSError, EOFError, zlib.error) as exc:
            yield {"source": path, "error": f"cannot read {path}: {exc}"}
            continue
        try:
            page = extract_article(data, url=(urls or {}).get(path))
        except Exception as exc:  # extract_article should not raise; report rather than stop the batch
            yield {"source": path, "error": f"cannot extract {path}: {type(exc).__name__}: {exc}"}
            continue
        yield {"source": path, **page.to_json()}


def main(argv: list[str] | None = None) -> int:
    """Print one JSON object per line; exit status 1 if any file failed."""
    failed = False
    for record in extract_files(list(sys.argv[1:] if argv is None else argv)):
        failed |= "error" in record
        print(json.dumps(record, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
