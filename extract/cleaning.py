"""Line-level cleaning of extracted article text.

trafilatura removes most page furniture structurally; these rules are the
backstop for what CMSs put inside the article body: teasers, credit lines,
comment prompts, newsletter forms, copyright footers, app banners, captions.
Each rule must hold for news sites in general; outlet-specific quirks belong
in ``CleaningRules.drop_lines`` (from seeds/sources.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.pruning import MarkedFurniture

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CleaningRules:
    drop_lines: tuple[str, ...] = ()  # per-source regexes (re.search) for lines to remove
    language: str | None = None  # the source's default language


# A teaser glued to the end of a real paragraph ("... to escape. READ MORE: ...").
# Upper case only, so prose like "read more: the council said" is never cut.
_INLINE_TEASER = re.compile(
    r"(?<=[.!?\"”’)])\s+(?:READ MORE|READ NEXT|READ ALSO|ALSO READ|SEE ALSO|RELATED|MORE)\s*:.*$"
)
# Aggregator truncation marker: "... however, …read more" keeps the sentence.
_TRAILING_READ_MORE = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*(?:read more|continue reading)\W*$", re.I)


def _any_of(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``patterns`` (one search per line, not one per pattern).

    The patterns anchored at the line's start share one ``^``: a search tries every position of
    the line, and there one failed ``^`` then rules them all out instead of one test each."""
    anchored = [p for p in patterns if _starts_anchored(p)]
    groups = ([f"^(?:{'|'.join(f'(?:{p})' for p in anchored)})"] if anchored else []) + [
        f"(?:{p})" for p in patterns if p not in anchored]
    return re.compile("|".join(groups), re.I)


def _starts_anchored(pattern: str) -> bool:
    """Every top-level alternative of ``pattern`` starts with ``^``."""
    branches, depth, start, in_class, i = [], 0, 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return all(branch.startswith("^") for branch in [*branches, pattern[start:]])


# Boilerplate sentences opening a line: checked on lines up to LONG_LINE_WORDS words, so a
# paragraph that merely quotes such words survives. Those that may stand anywhere in a line are
# in _PHRASE_LINES.
LONG_LINE_WORDS = 40
_BOILERPLATE_LINES = _any_of(
    # teasers and related-content widgets
    r"^(?:read more|read next|read also|also read|see also|see more|related|related (?:articles?|stories|coverage|topics?)|"
    r"more on this(?: story)?|recommended|most read|trending)\s*:",
    # syndication notes
    r"^this (?:article|story|post) (?:was )?(?:originally |first )?(?:appeared|published|posted) (?:first )?(?:on|in|at)\b",
    # comment prompts
    r"^(?:write|be) the first (?:to )?comment",
    r"^leave a (?:reply|comment)",
    r"^please (?:review|read) (?:our )?community guidelines",
    # corrections widgets
    r"^to suggest a correction",
    r"^you can also highlight the text and press",
    # newsletter forms
    r"^(?:sign up|subscribe)\b.{0,80}\b(?:newsletters?|updates|alerts)\b",
    # copyright and trademark footers
    r"^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}))",
    r"^copyright [^.]{0,40}\b(?:19|20)\d{2}\b[^.]{0,40}$",  # "Copyright Example Media 2019 - ISSN: 1234-5678"
    # image captions and credits
    r"^(?:photo|image|credit|picture)s?\s*:",
    r"^join (?:our|the) (?:mailing list|newsletter|email list|(?:facebook|linkedin|discord|slack|telegram|whatsapp) "
    r"(?:group|community|page|server|channel))\b",
    r"^get the latest (?:news|updates|stories|articles) (?:about|from|on)\b",  # a mailing list's pitch
    # paywall notes
    r"^this (?:article|story|content) is (?:exclusive to|only available to|reserved for) .{0,40}\b(?:subscribers|members)\b",
    # reader prompts
    r"^help (?:me|us) spread the word\b",
    r"^fill (?:out|in) the form\b",
    # teasers for other stories: "Also on rt.com ..."
    r"^also on (?:[\w-]+\.)+[a-z]{2,}\b",
    # agency credits and reporters' contact lines after the story
    r"^(?:write to|reach|contact) [^.]{0,60}\bat\b.{0,80}(?:@|twitter\.com)",
    # sign-up forms' messages and share prompts
    r"^(?:thanks? (?:you )?for (?:signing up|subscribing)|there was an error processing your|keep an eye on your inbox)",
    r"^an error (?:has )?occurred\b.{0,30}\btry again",
    r"^(?:like|liked|enjoy|enjoyed|love|loved) this (?:story|article|post)\?|^want more like this\?",
    r"^subscribe to .{0,40}\byoutube\b",
    r"^(?:editor[’']?s note\s*:\s*)?this (?:article|story|post) also appeared in\b",
    r"^\[(?P<shortcode>\w+)\b[^\]]*\].*\[/(?P=shortcode)\]$",  # a CMS shortcode left unrendered: "[button ...]...[/button]"
    # "read also" teasers of other languages' news sites, with the headline after the colon
    r"^\(?(?:leggi anche|lee también|lea también|lire aussi|lisez aussi|lesen sie auch|leia também|veja também)(?: su)?\s*:",
    # an e-mailed newsletter's own furniture, and paywall prompts
    r"^was this (?:newsletter|email) forwarded to you\b|^is this email not displaying correctly",
    r"^(?:unlock this (?:article|story|piece)|become a paid subscriber)\b",
    r"^necessary cookies are\b",
    r"^(?:photo|image|picture)s? (?:courtesy of|credits?\s*:)",
)

# Affiliate and advertising disclosures, and prompts or credits a CMS runs on into more of the same, are long:
# checked on lines up to DISCLOSURE_LINE_WORDS words (those opening a line here, the others in _PHRASE_LINES).
DISCLOSURE_LINE_WORDS = 80
_DISCLOSURE_LINES = _any_of(
    r"^(?:advertiser |affiliate |editorial )?disclosure\s*:",
    r"^this (?:document|article|material|content|page) is subject to copyright\b",
    r"^citation\s*:.{0,300}\bretrieved\b",  # "Citation: <headline> (2019, November 18) retrieved ... from <url>"
    r"^lorem ipsum dolor sit amet\b",  # a template's placeholder
    # a sign-up form's legal note: "By signing up, you agree to receive recurring automated marketing messages ..."
    r"^by (?:signing up|subscribing|submitting|registering|clicking|entering your (?:email|phone))\b[^.]{0,40}"
    r"\byou (?:agree|consent|acknowledge)\b",
    # a consent plugin's table of its cookies: "| viewed_cookie_policy | 11 months | The cookie is set by ... |"
    r"^\|.*\|\s*\d+\s*(?:months?|years?|days?|minutes?|hours?)\s*\|.*\bcookies?\b",
    # reader prompts that run on into the next ones ("... leave a star rating. Also, if you are on Pinterest, ...")
    r"^did you (?:make|try) (?:this|one of (?:my|our)) recipes?",
    # a picture credit line, and the site's blurb the CMS glues after it
    r"^(?:feature[d]?|header|cover|lead|top|hero) (?:image|photo|picture)s? (?:by|via|courtesy of|credit)\b",
    r"^prices? (?:were|are|was) (?:accurate|correct) (?:at|as of) the time\b",  # a shopping guide's note
)

# Furniture phrases without variants that may stand anywhere in a line: (longest line in words, the phrase in
# lower case).
_LITERAL_LINES = (
    (LONG_LINE_WORDS, "your email address will not be published"),  # comment prompts
    (LONG_LINE_WORDS, "required fields are marked"),
    (LONG_LINE_WORDS, "click here to comment"),
    (LONG_LINE_WORDS, "get updates from this writer"),  # reader prompts
    (LONG_LINE_WORDS, "funded by readers like you"),
    (LONG_LINE_WORDS, "tell your friends and get rewards"),
    (LONG_LINE_WORDS, "[reveal]"),  # a teaser for another story
    (DISCLOSURE_LINE_WORDS, "qualifying purchases"),  # affiliate disclosures
    (DISCLOSURE_LINE_WORDS, "chosen independently by our editors"),
)

# Furniture phrases that may stand anywhere in a line: (longest line in words, the literals in lower case one of
# which the line must hold, pattern). A literal is checked first: a search for a phrase that may start anywhere
# tries it at every position of the line (in one alternation with the others, 4 % of the extraction's time), and
# these phrases are rare.
_PHRASES = (
    # newsletter forms
    (LONG_LINE_WORDS, "your inbox", r"(?:sent|delivered) (?:right |straight |directly )?to your inbox|"
                                    r"\b(?:right|straight) (?:in|into|to) your inbox"),
    (LONG_LINE_WORDS, "never share your email", r"we (?:will )?never share your email"),
    # copyright and trademark footers
    (LONG_LINE_WORDS, "all rights reserved", r"all rights reserved\.?$"),
    (LONG_LINE_WORDS, "trademarks of", r"\bare (?:registered )?trademarks of\b"),
    # image captions and credits: "(Photo: Jane Doe)", "The pavilion at night, photos © Jane Doe, 2018", a caption's
    # credit without brackets ("A tiny house means living efficiently. Picture: Getty") or to a photographer
    # ("The tent in the rain. Credit: Jane Doe", "... Photo by: 'Jane Doe'.")
    (LONG_LINE_WORDS, ")", r"\((?:photo|image|picture|pictured|credit|video)s?\s*:[^()]*\)\s*$"),
    (LONG_LINE_WORDS, ")", r"\([^()]*\b(?:getty images|afp|reuters|ap photo|press association|shutterstock|epa|alamy)\b"
                           r"[^()]*\)\s*$"),
    (LONG_LINE_WORDS, ("©", "(c)"), r"\b(?:photo|image|picture)s?\s*(?:©|\(c\))[^.]{0,60}$"),
    (LONG_LINE_WORDS, ("picture", "photo", "image"),
     r"\b(?:picture|photo|image)s?\s*:\s*[^.:]{0,40}\b(?:getty|afp|reuters|ap|supplied|istock|shutterstock|alamy)\b"
     r"[^.]{0,30}$"),
    (LONG_LINE_WORDS, ("credit", "photo", "image"),
     r"(?-i:[.!?]\s+(?:[Cc]redit|[Pp]hoto(?: by)?|[Ii]mage(?: by)?)\s*:\s*['‘\"]?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
     r"['’\"]?\.?)$"),
    # reader prompts
    (LONG_LINE_WORDS, "notifications about new posts", r"(?:receive|get) notifications about new posts"),
    # a teaser for another story: "Plane passengers quarantined after outbreak [NEWS]"
    (LONG_LINE_WORDS, "[", r"(?-i:\s\[[A-Z]{4,}\]\|?$)"),
    # agency credits and reporters' contact lines after the story
    (LONG_LINE_WORDS, "contributed ", r"\bcontributed (?:to this report|reporting)\b"),
    (LONG_LINE_WORDS, "may be reached at", r"\bmay be reached at\b"),
    (LONG_LINE_WORDS, " issues for ", r"\b\d+ issues for [£$€]\s?\d"),  # a magazine's subscription offer
    (LONG_LINE_WORDS, "do not necessarily ", r"\bdo not necessarily (?:reflect|represent) the (?:views|opinions|positions?)\b"),
    # affiliate disclosures, reprint notices, an SMS sign-up form's consent text
    (DISCLOSURE_LINE_WORDS, "commission",
     r"\b(?:may|might|will|we|i) (?:earn|receive|get) (?:a )?(?:small |tiny )?(?:affiliate )?commissions?\b|"
     r"supported by (?:the )?commissions"),
    (DISCLOSURE_LINE_WORDS, "non-commercial use only", r"\bfor your personal,? non-commercial use only\b"),
    (DISCLOSURE_LINE_WORDS, "data rates may apply", r"\b(?:msg|message) (?:&|and) data rates may apply\b"),
    (DISCLOSURE_LINE_WORDS, "stop to ", r"\b(?:reply|text) stop to (?:opt[- ]?out|cancel|unsubscribe)\b"),
    # a newsletter or social call to action opening a sentence: "For daily wit & wisdom, sign up for the Almanac newsletter."
    (LONG_LINE_WORDS, "sign up for", r"(?:^|[.!?]\s+|,\s+)sign up for (?:our|the)\b.{0,40}\bnewsletter\b"),
    (LONG_LINE_WORDS, "follow us on",
     r"\bfollow us on (?:facebook|instagram|twitter|x|tiktok|linkedin|youtube|pinterest|threads|bluesky)\b"),
    (LONG_LINE_WORDS, "agree to our", r"\bagree to our (?:terms|privacy policy)\b"),
    (DISCLOSURE_LINE_WORDS, "may be compensated", r"\bwe may be compensated when you click\b"),
    (DISCLOSURE_LINE_WORDS, "see our advertis", r"\bsee our advertis(?:ing|er) (?:policy|disclosure)\b"),
    *((DISCLOSURE_LINE_WORDS, f"you {verb} this",  # "If you liked this article, please consider liking, sharing, and subscribing"
       rf"\bif you {verb} this (?:article|post|story|episode|issue), please (?:consider )?(?:lik|shar|subscrib)")
      for verb in ("liked", "enjoyed")),
)


def _per_literal(phrases) -> tuple[tuple[int, str, re.Pattern[str]], ...]:
    """(limit, literal, compiled pattern): one entry per literal, each pattern compiled once."""
    entries = []
    for limit, keys, pattern in phrases:
        compiled = re.compile(pattern, re.I)
        entries += [(limit, key, compiled) for key in ((keys,) if isinstance(keys, str) else keys)]
    return tuple(entries)


_PHRASE_LINES = _per_literal(_PHRASES)

# Widgets, headings and navigation: checked on lines up to SHORT_LINE_WORDS words.
SHORT_LINE_WORDS = 12
_WIDGET_LINES = _any_of(
    r"^(?:read more|continue reading|more)\W*$",
    r"^other topics of interest$",
    r"^(?:more|related|latest|top) (?:stories|articles|news|videos)\b",
    r"^source\s*::\s*\S",  # aggregator credit "Source:: Business Insider"; "Source: X" under a chart is content
    r"^comments?(?:\s*\(\d+\))?$",
    r"^\d+\s+comments?$",
    r"^(?:read and )?post comments$|^read and post comments$",
    r"^join the .{1,40} (?:community|conversation)$",
    r"^(?:show|view|load) (?:\d+ )?(?:more )?comments",
    r"^.{0,60}\bnewsletters?$",
    r"^privacy\s*:",
    r"^\(optional\b.{0,40}\)$",
    r"^enter your email",
    r"(?:in|on|from) (?:the )?(?:google play|app store)$",
    r"^(?:get it|download) on (?:the )?(?:google play|app store)",
    r"^download (?:the|our) .{0,40}\bapp$",
    r"^skip to (?:main )?content$",
    r"^(?:share|share this(?: article| story)?|tweet|email|print|top|back to top|view|watch tv live|watch live|"
    r"advertisement|newsfront|menu|search|close|x)$",
    r"^(?:tags?|topics?|filed under|categories)\s*:",
    r"^(?:home|blog|tags|subscribe(?: to us| now)?|register|log ?in|sign ?in|sign up|privacy policy|cookie policy|"
    r"terms of (?:use|service)|copyright|advertiser disclosure|advertising policy|editorial policy|blog index|"
    r"pin (?:it )?for later|jump to (?:the )?(?:list|recipe)|view on amazon|see (?:packages|price|deals?|details)|"
    r"why (?:you can )?trust us\??)$",
    r"^back to (?:all )?(?:blogs?|posts?|articles?|news|home)\b",
    r"^(?:next|previous|prev) (?:article|post|story)\b",
    r"^(?:written|posted|reviewed|edited) by\b",
    r"^(?:sign up for|subscribe to) (?:our|the)\b",
    r"^follow us\b",
    r"^browse related\b",
    r"^(?:most (?:read|popular|viewed|shared)|popular on|you (?:may|might) also like|explore further)\b",
    r"^you (?:may|might) (?:also )?be interested in\b",
    r"^(?:article|post|related) tags\W*$",
    r"^tell us what you think\W*$",
    r"^advertisement\b",
    r"^(?:book|request|schedule|get) (?:a |your )?(?:free )?(?:demo|quote|consultation)$",
    r"^get started(?: today| now| for free)?$",
    r"\b\d+\s*min(?:ute)?s?\.? read$",  # "3 MIN. READ", "Jun 8, 2023 • 11 Minute Read"
    r"^(?:table of contents|article contents|on this page)\W*$",
    r"^share your (?:story|thoughts|experience|feedback)$",
    r"^how was (?:this|today'?s) (?:issue|newsletter|email|edition)\??$",
    r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s+by\s+\S",  # "11/12/2025 by One Tree Planted"
    r"^by\s+[^.]{0,60}\|",  # "By Jane Doe | Friday, 11 November 2022"
    r"^(?:[\w-]+\.)+(?:com|org|net|co\.uk|co|news|info)$",  # a bare domain
    r"^https?://\S+\.(?:jpe?g|png|gif|webp|svg)(?:\?\S*)?$",  # a picture's address
    # a lower-case keyword list, "ukraine, russia, kherson" (case-sensitive: capitalised lists are headings)
    r"(?-i:^[a-z0-9-]+(?: [a-z0-9-]+)?(?:, ?(?!and |or )[a-z0-9-]+(?: [a-z0-9-]+)?){2,}$)",
)

_HAS_LETTER = re.compile(r"[^\W\d_]")
# A line that is only a date/time stamp: "Friday, 11 November 2022 07:29 PM EST", "Updated: 3 hours ago",
# "January 22nd, 2019".
_DATE_WORDS = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(?:[ap]\.?m\.?|[a-z]{1,2}[sd]?t|utc|gmt|date|first(?= published)|last|published|updated|posted|on|at|ago|hours?|minutes?|days?)\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)\b",  # "Last updated on September 16th, 2023"
    re.I,
)
MAX_DATELINE_WORDS = 15  # a longer line is never only a date


# An aggregator's note of where a story is from, and its comment count, after a headline: "Headline (latimes.com) 87".
TRAILING_SOURCE = re.compile(r"\s+\((?:[\w-]+\.)+[a-z]{2,}\)(?:\s+\d+)?$", re.I)

_LIST_MARKER = re.compile(r"^(?:[-–*•·]|\d{1,2}[.)])\s+")


def trim_line(line: str) -> str:
    """Cut inline teasers and truncation markers off the end of a paragraph."""
    line = _INLINE_TEASER.sub("", line)
    line = _TRAILING_READ_MORE.sub("", line)
    return line.strip()


def is_boilerplate(line: str, extra: Sequence[re.Pattern[str]] = ()) -> bool:
    if any(p.search(line) for p in extra):
        return True
    line = _LIST_MARKER.sub("", line)
    words = len(WORD.findall(line))
    if words <= MAX_DATELINE_WORDS and not line.startswith("|") and not _HAS_LETTER.search(_DATE_WORDS.sub("", line)):
        return True  # numbers and dates only; not a table row
    if words <= SHORT_LINE_WORDS and _WIDGET_LINES.search(line):
        return True
    if words <= DISCLOSURE_LINE_WORDS and _DISCLOSURE_LINES.search(line):
        return True
    lower = line.lower()
    if any(words <= limit and phrase in lower for limit, phrase in _LITERAL_LINES):
        return True
    if any(words <= limit and key in lower and pattern.search(line) for limit, key, pattern in _PHRASE_LINES):
        return True
    return words <= LONG_LINE_WORDS and bool(_BOILERPLATE_LINES.search(line))


# The story's first lines, where a standfirst the extractor kept would be.
STANDFIRST_LINES = 3
# A paragraph repeated verbatim is a pull quote or summary box from this many words on; shorter repeats
# are the labels of a structured text ("Pre-Workout Meal" under each day of a meal plan) and stay.
MIN_REPEATED_QUOTE_WORDS = 8
# A page's address, as a print view sets it above the story: a path, not just a site's name.
_ADDRESS_LINE = re.compile(r"^https?://[^/\s]+/\S+$")

# An author's bio after the story: "Jane Doe is a freelance writer ...", "Jane has covered ...".
_BIO_VERB = (r"(?:(?:is|was) (?:a|an|the|(?:\w+ ){1,2}(?:at|of|for))|has|holds|writes|covers|joined|serves|lives|leads|"
             r"founded|co-founded|started|specializes|specialises)")
# A heading of links to other stories ends the story when it stands in the text's second half and no
# paragraph follows it (teasers are headlines and a line of summary, not paragraphs).
_RELATED_SECTION = re.compile(
    r"^(?:related (?:posts?|articles?|stories|reading|content|links)|you (?:may|might) also (?:like|enjoy)|"
    r"more from\b[^.!?]{0,40}|read next|keep reading|further reading|recommended (?:for you|reading|articles?|stories))"
    r"\W*$", re.I)
RELATED_SECTION_FROM = 0.5
MAX_TEASER_WORDS = 50

# The story's last lines, where a CMS puts the author box.
BIO_TAIL_LINES = 3


# What follows a byline's name at the start of a bio (checked after the name, not compiled with the names: one
# pattern per page would cost more than the rest of the cleaning's regexes).
_BIO_AFTER_NAME = re.compile(rf"(?:,[^,]{{1,60}},)? {_BIO_VERB}\b")


def _opens_bio(line: str, names: set[str]) -> bool:
    """The line opens with one of ``names`` and a verb of a bio."""
    return any(line.startswith(name) and _BIO_AFTER_NAME.match(line, len(name)) for name in names)


def _without_trailing_bios(lines: list[str], authors: Sequence[str]) -> list[str]:
    """The lines before the first bio among the last ones, for the bylines that name a person (their full or
    given names): an author box's further lines ("When she's not writing, ...") go with it."""
    names = {name for author in authors if len(parts := author.split()) >= 2 for name in (author, parts[0])}
    if not names:
        return lines
    tail = max(1, len(lines) - BIO_TAIL_LINES)
    return lines[:next((i for i in range(tail, len(lines)) if _opens_bio(lines[i], names)), len(lines))]


def _without_related_section(lines: list[str]) -> list[str]:
    for number in range(int(len(lines) * RELATED_SECTION_FROM), len(lines)):
        if _RELATED_SECTION.match(_LIST_MARKER.sub("", lines[number].strip())):
            if all(len(line.split()) <= MAX_TEASER_WORDS for line in lines[number + 1:]):
                return lines[:number]
    return lines


def _normalise(line: str) -> str:
    return " ".join(WORD.findall(line.casefold()))


# Boxed furniture or standfirsts are at most this share of the text's words; more, and the box or the page's header
# held the story itself.
MAX_BOXED_SHARE = 0.5


def _marked_lines(lines: Sequence[str], marked: Sequence[str]) -> set[str]:
    """The (normalised) texts the markup marks as furniture, unless the text's (normalised) ``lines`` are mostly
    theirs."""
    keys = {_normalise(line) for line in marked} - {""}
    if not keys:
        return keys
    marked_words = sum(len(line.split()) for line in lines if line in keys)
    return keys if marked_words <= MAX_BOXED_SHARE * sum(len(line.split()) for line in lines) else set()


def _headline_with_source(line: str, not_text: set[str]) -> bool:
    return line[-1] in ")0123456789" and _normalise(TRAILING_SOURCE.sub("", line)) in not_text


def clean_text(text: str, rules: CleaningRules | None = None, title: str | None = None,
               site_names: Sequence[str] = (), authors: Sequence[str] = (),
               furniture: MarkedFurniture = MarkedFurniture()) -> str:
    """Return the article text with boilerplate lines removed, paragraphs joined by blank lines.

    A line equal to the headline (it is in ``title``; an aggregator may add its source) or to the site's name is
    dropped, and a paragraph of MIN_REPEATED_QUOTE_WORDS or more repeated verbatim (pull quotes, summary boxes) is
    kept once, as is any paragraph repeated right after itself; the entries of a structured text the markup sets
    side by side (``furniture.repeated_items``) stay however often they repeat. One of the page's standfirsts
    (``furniture``, read from its markup) or an address among the text's first lines is dropped too, so are the
    link teasers, labels (date stamps, tag lists) and furniture boxes' texts it marks, and so is a bio opening
    with one of ``authors`` among the text's last lines.
    """
    extra = [re.compile(p) for p in (rules.drop_lines if rules else ())]
    not_text = {_normalise(name) for name in [title or "", *site_names]} - {""}
    not_text |= {_normalise(line) for line in (*furniture.link_teasers, *furniture.labels)} - {""}
    lines = [_normalise(line) for line in text.splitlines()] if furniture.boxed or furniture.standfirsts else []
    not_text |= _marked_lines(lines, furniture.boxed)
    not_opening = _marked_lines(lines, furniture.standfirsts)
    repeatable = {_normalise(line) for line in furniture.repeated_items}
    seen: set[str] = set()
    previous = None
    kept: list[str] = []
    for raw in _without_related_section(text.splitlines()):
        line = trim_line(" ".join(raw.split()))
        if not line or is_boilerplate(line, extra):
            continue
        key = _normalise(line)
        if not key or key in not_text or key in seen or key == previous or _headline_with_source(line, not_text):
            continue
        if len(kept) < STANDFIRST_LINES and (key in not_opening or _ADDRESS_LINE.match(line)):
            continue
        if len(key.split()) >= MIN_REPEATED_QUOTE_WORDS and key not in repeatable:
            seen.add(key)
        previous = key
        kept.append(line)
    return "\n\n".join(_without_trailing_bios(kept, authors))


def word_count(text: str) -> int:
    return len(WORD.findall(text))
