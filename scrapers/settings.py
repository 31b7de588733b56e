"""Scrapy settings shared by every source; per-source politeness is layered on top in crawl.py."""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "wirehouse"
SPIDER_MODULES = ["scrapers.spiders"]

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16  # per crawl; scrapers.crawl raises it with the number of sources crawled together
CONCURRENT_REQUESTS_PER_DOMAIN = 2

RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_AFTER_MAX = 60.0  # seconds: the longest Retry-After a 429 or 503 response is waited for
CRAWL_DELAY_MAX = 60.0  # seconds: the longest robots.txt Crawl-delay obeyed

DOWNLOADER_MIDDLEWARES = {
    "scrapers.middlewares.PrivateAddressGuard": 90,  # before robots.txt is fetched for the host
    "scrapers.per_source.SourceRequestsMiddleware": 95,  # robots.txt is fetched with them too
    "scrapers.per_source.SourceSlotMiddleware": 96,  # robots.txt requests take their source's slot too
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.RobotsTxtMiddleware": 100,  # Scrapy's, each waiting request given the parser
    "scrapers.middlewares.CrawlDelayMiddleware": 110,  # after RobotsTxtMiddleware (100) has read robots.txt
    "scrapers.middlewares.RetryAfterMiddleware": 560,  # sees a response before RetryMiddleware (550)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapers.middlewares.GuardedMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapers.middlewares.GuardedRedirectMiddleware": 600,
}

# Every response is stored, 404s and 500s included: the clean stage turns them into rejects.
HTTPERROR_ALLOW_ALL = True

ITEM_PIPELINES = {"scrapers.pipelines.RawPagesPipeline": 300}
RAW_PAGES_BATCH_SIZE = 200

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

# A host name that does not resolve is not retried (see PrivateAddressGuard): on a machine without
# network, retries would only delay the reason by minutes.
RETRY_EXCEPTIONS = [e for e in _scrapy_defaults.RETRY_EXCEPTIONS if e != "scrapy.exceptions.CannotResolveHostError"]

# A crawl runs many sources; each keeps its own slots, duplicate filter and AutoThrottle floor.
REQUEST_FINGERPRINTER_CLASS = "scrapers.per_source.SourceFingerprinter"
EXTENSIONS = {"scrapy.extensions.throttle.AutoThrottle": None, "scrapers.per_source.SourceAutoThrottle": 0}
