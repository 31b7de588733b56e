"""Healthcheck helper: exit 0 when every URL given answers 2xx within the timeout.

The image is python:3.11-slim, which has no curl; compose healthchecks call
`python /opt/wirehouse/docker/http_ok.py URL`.
"""
import sys
import urllib.request


def main(urls: list[str]) -> int:
    if not urls:
        print("usage: http_ok.py URL [URL ...]", file=sys.stderr)
        return 2
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if not 200 <= response.status < 300:
                    print(f"{url}: HTTP {response.status}", file=sys.stderr)
                    return 1
        except Exception as exc:  # any failure is "unhealthy"
            print(f"{url}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
