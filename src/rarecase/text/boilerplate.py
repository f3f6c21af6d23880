"""Boilerplate removal for text copied from journal web pages (and for extracted HTML).

The rules are data: :data:`RULES` is a table of compiled, case-insensitive regexes, each with
its :class:`Reason`. A rule sees one stripped line at a time, so nothing a rule matches can
span or merge lines and no pattern can backtrack across the whole text. Most rules are *short*
rules: they must match the whole line and fire only on lines under :data:`SHORT_LINE` characters,
which is what keeps "She was discharged home on day 5." while "Home" alone goes. A few rules
are specific enough to fire at any length (copyright, cookie notices, Creative Commons licence
sentences, disclaimers, "Keywords:" lines). A "References" heading removes everything after it,
and a trailing run of numbered citation lines is removed too.

Invariant (tested): for every :class:`~rarecase.text.document.Removed` ``r`` returned,
``source[r.start:r.end] == r.text``, ``r.text`` is non-empty and stripped, and spans are in
order and do not overlap; ``source`` is the input after ``\\r\\n``/``\\r`` became ``\\n``.
Consecutive removed lines with the same reason (blank lines between them allowed) form one
Removed. The cleaned text is the kept lines, right-stripped, joined with ``\\n``, with runs of
three or more newlines collapsed to two and the whole stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rarecase.text.document import Removed


class Reason(StrEnum):
    """Why a stretch of the source was left out; the closed set of ``Removed.reason``."""

    NAVIGATION = "navigation"
    CALL_TO_ACTION = "call_to_action"
    FEEDBACK = "feedback"
    COPYRIGHT = "copyright"
    DISCLAIMER = "disclaimer"
    COOKIE_NOTICE = "cookie_notice"
    SOCIAL = "social"
    METRICS = "metrics"
    ARTICLE_METADATA = "article_metadata"
    ADVERTISEMENT = "advertisement"
    KEYWORDS = "keywords"
    REFERENCES = "references"
    FIGURE_OR_TABLE = "figure_or_table"
    PAGE_FURNITURE = "page_furniture"


SHORT_LINE: Final = 80
"""Short rules only fire on stripped lines shorter than this."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One boilerplate pattern; ``whole`` rules must match the entire stripped line.

    ``needs``, when set, is a lower-case word that every match contains as literal pattern text:
    a line whose lower-cased form lacks it is skipped without running the regex. These
    unanchored rules scan the whole of every long prose line, and were most of the cost of
    reading an abstract.
    """

    pattern: re.Pattern[str]
    reason: Reason
    short_only: bool = True
    whole: bool = True
    needs: str = ""


def _short(reason: Reason, *alternatives: str) -> Rule:
    return Rule(re.compile("(?:" + "|".join(alternatives) + r")[\s.:!?]*", re.I), reason)


def _anywhere(reason: Reason, pattern: str, needs: str = "") -> Rule:
    return Rule(re.compile(pattern, re.I), reason, short_only=False, whole=False, needs=needs)


_NAV_WORDS: Final = (
    r"home(?: page)?|journals?|browse(?: journals?| articles?)?|about(?: us| the journal)?"
    r"|search(?: site| journals?)?|menu|main menu|close|skip to (?:main )?content"
    r"|skip to (?:main )?navigation|contact(?: us)?|help|current issue|all issues|issues?"
    r"|archive|for authors|submit(?: a| your)?(?: manuscript)?|articles?(?: (?:&|and) issues)?"
    r"|collections|topics|news|toggle navigation|back to top|previous article|next article"
    r"|table of contents|outline|sections|article navigation|related articles"
    r"|similar articles|recommended articles|more articles|you may also like"
    r"|go to:?|jump to|open (?:main )?navigation|navigation|sitemap|login / register"
    r"|skip to article|journals (?:&|and) books|article preview|author links open overlay panel"
    r"|(?:abstract|references|figures|tables|cited by)\s*\(\d+\)|journal list|user guide"
    r"|an official website of the united states government|here['\u2019]s how you know"
    r"|search (?:in )?(?:pmc|pubmed|site|this site|this journal|journals?|all content)"
    r"\b[\w -]{0,30}"
    r"|view on publisher site|add to collections|permalink"
    r"|author information|article notes|related|information|details|back"
    r"|people also (?:looked at|read)|solutions|resources|products|platform|pricing|customers"
    r"|company|partners|blog|events|webinars|careers|case library|case studies|library"
    r"|sec\. [^.]{1,60}"
)
_SOCIAL_WORD: Final = (
    r"(?:facebook|twitter|x|linkedin|e-?mail|reddit|whatsapp|wechat|weibo|bluesky|mastodon"
    r"|mendeley|print|share|copy link)"
)

RULES: Final[tuple[Rule, ...]] = (
    # Specific at any length.
    _anywhere(Reason.COPYRIGHT, r"^(?:©|\(c\)\s*(?:19|20)\d\d|copyright\b)"),
    _anywhere(Reason.COPYRIGHT, r"\ball rights reserved\b", needs="all rights reserved"),
    _anywhere(
        Reason.COPYRIGHT, r"\bcreative commons\b.{0,200}\blicen[cs]e", needs="creative commons"
    ),
    _anywhere(Reason.COPYRIGHT, r"^(?:this|the) (?:article|work) is licen[cs]ed under\b"),
    _anywhere(
        Reason.COOKIE_NOTICE,
        r"\bwe use (?:\w+ ){0,4}cookies\b|\b(?:site|website) uses cookies\b|^cookie settings\b",
        needs="cookie",
    ),
    _anywhere(Reason.COOKIE_NOTICE, r"^by (?:continuing|using) (?:to (?:use|browse) )?this"),
    _anywhere(Reason.DISCLAIMER, r"^disclaimer\b"),
    _anywhere(Reason.DISCLAIMER, r"^the content (?:on|of) this page (?:is|was) provided by"),
    _anywhere(Reason.DISCLAIMER, r"^publisher['\u2019]?s note\b"),
    _anywhere(Reason.KEYWORDS, r"^(?:key ?words|index terms)\s*[:\u2014-]"),
    _anywhere(
        Reason.NAVIGATION,
        r"^(?:switch to|try) the new (?:design|experience)|^your new experience awaits",
    ),
    # Short lines, whole-line matches.
    _short(Reason.NAVIGATION, _NAV_WORDS),
    _short(Reason.NAVIGATION, r"(?:home|you are here:?)\s*[>\u00bb\u203a/|].{0,70}"),
    _short(
        Reason.NAVIGATION,
        r"[A-Z][^\d>\u00bb\u203a.]{0,40}(?:\s[>\u00bb\u203a]\s[A-Z][^\d>\u00bb\u203a.]{0,40}){2,6}",
    ),
    _short(
        Reason.CALL_TO_ACTION,
        r"sign in|sign up|log ?in(?: / register)?|log ?out|register|subscribe(?: now| today)?",
        r"readcube|epub|xml \(nlm\)|endnote|reference manager|simple text file|bibtex|ris",
        r"share on|get shareable link",
        r"anyone you share the following link with will be able to read.{0,20}",
        r"(?:book|request|schedule) a (?:free )?demo\b.{0,50}",
        r"share(?: this)?(?: article| page| post)?(?: on \w+)?",
        r"download(?: the)? (?:pdf|article|citations?|full[- ]text)\b.{0,30}",
        r"full[- ]text(?: html| pdf)?|pdf(?: \(\d.{0,20}\))?|view pdf",
        r"(?:view|read) (?:full[- ]text|article|online)\b.{0,30}",
        r"cite(?: this(?: article)?)?|how to cite(?: this article)?|export citations?.{0,30}",
        r"add to (?:mendeley|zotero|favou?rites|my library|reading list)",
        r"get access|buy (?:this )?article.{0,30}|purchase(?: pdf| access)?|rent this article",
        r"rights (?:and|&) permissions|reprints(?: (?:and|&) permissions)?|request permissions",
        r"permissions|save(?: article)?|print|email alerts?|sign up for alerts?",
        r"get rights and content|access through your institution|check for updates",
        r"open in (?:a new tab|viewer)|article (?:info|information)|citation tools",
        r"sign in to your account|you are not signed in|create (?:an )?account|my account",
        r"(?:cite|share|print|email) this article(?: on)?|request permissions|follow us",
        r"download pdf \(\d[^)]{0,15}\)|most (?:read|cited|viewed)|related articles",
    ),
    _short(
        Reason.FEEDBACK,
        r"was this (?:page|article|information|content) (?:helpful|useful)\??(?: yes no)?",
        r"(?:send|give|leave|share) (?:us )?(?:your )?feedback|feedback|yes no",
        r"rate this (?:page|article)",
    ),
    _short(
        Reason.COOKIE_NOTICE,
        r"(?:accept|reject|allow)(?: all)?(?: cookies)?|cookie (?:settings|preferences|policy)",
        r"manage (?:cookies|preferences)|decline|got it|ok(?:ay)?|privacy policy",
        r"terms (?:and|&) conditions|terms of use",
    ),
    _short(Reason.SOCIAL, _SOCIAL_WORD + r"(?:\s*[|,\u00b7\u2022/]?\s*" + _SOCIAL_WORD + r")*"),
    # a site's name heading a row of links: "Endocrine Case Reports | Browse | Sign in"
    _short(
        Reason.ARTICLE_METADATA,
        r"(?:[a-z][\w-]*\s){0,5}(?:case )?(?:reports|journal|cases|letters)(?: online)?",
        r"open access journal\b.{0,60}",
    ),
    _short(
        Reason.METRICS,
        r"(?:views?|downloads?|citations?|cited by|reads?|shares?|mentions?|saves?|accesses)"
        r"\s*:?\s*\(?[\d,.]+\s*[km]?\)?",
        r"[\d,.]+\s*[km]?\s+(?:views?|downloads?|citations?|reads?|shares?|mentions?|accesses)",
        r"altmetric(?: (?:attention )?score)?:?\s*\d*|(?:article )?metrics(?: details)?",
        r"plumx(?: metrics)?",
    ),
    _short(
        Reason.ARTICLE_METADATA,
        r"(?:received|accepted|revised|published(?: online)?|first published|available online"
        r"|issue date|version of record online)\s*:?\s+\w.{0,40}(?:19|20)\d\d",
        r"(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)10\.\d{4,9}/\S+",
        r"open access|free access|volume \d+.{0,70}|article \d+|e\d{4,6}|pmcid:.{0,60}",
        r"(?:case report|original research|research|review|brief report|original) article",
        r"(?:january|february|march|april|may|june|july|august|september|october|november"
        r"|december) (?:19|20)\d\d",
        r"[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,5},? \d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug"
        r"|sep|oct|nov|dec)[a-z]* (?:19|20)\d\d",
        r"[^\n]{0,70}\b(?:19|20)\d\d\b[^\n]{0,40}\bdoi:? ?10\.\d{4,9}/\S+",
        r"[^\n]{0,60}\bvolume \d+, article number:? ?\w+[^\n]{0,20}",
        r"(?:the )?(?:journal|annals|archives) of [^.]{1,60}|clinical case reports\b[^.]{0,40}",
    ),
    _short(Reason.ADVERTISEMENT, r"advertisement|sponsored(?: content)?|ad"),
)

_ARTICLE_TYPE: Final = re.compile(
    r"(?:case reports?|original (?:article|research)|research article|clinical image|letter)",
    re.I,
)
_ABSTRACT_TAB: Final = re.compile(r"abstract\s*:?", re.I)
_KEYWORDS_HEADING: Final = re.compile(r"key ?words\s*:?", re.I)
_REFERENCES_HEADING: Final = re.compile(
    r"(?:\d+\.?\s*)?(?:references?(?: and notes)?|bibliography|literature cited|works cited"
    r"|cited literature)\s*:?",
    re.I,
)
_CITATION: Final = re.compile(
    r"(?:\[\d{1,3}\]|\d{1,3}[.)])\s+[A-Z\u00c0-\u024f][^\n]{0,400}?\b(?:19|20)\d\d\b"
    r"(?:[^\n]{0,80}?[;:(]\s*\d|[^\n]{0,200}?\bdoi\b)"
)


def classify_line(line: str) -> Reason | None:
    """The reason a stripped line is boilerplate, or None when it is kept.

    >>> classify_line("Skip to main content")
    <Reason.NAVIGATION: 'navigation'>
    >>> classify_line("She was discharged home on day 5.") is None
    True
    >>> classify_line("© 2024 Elsevier Inc. All rights reserved.").value
    'copyright'
    """
    found = _classify_whole(line)
    if found is None and len(line) < SHORT_LINE:
        # "Sign in | Register", "Was this page helpful? Send us feedback": a row of items, each
        # page furniture on its own.
        # A row may lead with the site's name ("Endocrine Case Reports | Browse | Sign in"):
        # all items but the first must be furniture, and at least two of them.
        # A colon may end an item ("Share this article: Twitter") or belong to it
        # ("Published: 12 March 2022"): both readings are tried.
        for separator in _ITEM_SEPARATORS:
            parts = [p.strip(" .:") for p in separator.split(line) if p.strip(" .:")]
            if len(parts) > 1:
                reasons = [_classify_whole(p) for p in parts]
                known = [r for r in reasons if r is not None]
                if all(reasons) or (len(known) >= 2 and all(reasons[1:])):
                    return known[0]
    return found


# Items of a row: bars, middle dots, bullets, dashes between words, runs of spaces, and the
# ends of questions or of short sentences ("Open access. Share this article.").
_ITEM_SEPARATORS: Final = (
    re.compile(r"\s*[|\u00b7\u2022\u2014]\s*|\s{2,}|\t|(?<=[?.])\s+"),
    re.compile(r"\s*[|\u00b7\u2022\u2014]\s*|\s{2,}|\t|(?<=[?.:])\s+"),
)


_LONG_RULES: Final = tuple(rule for rule in RULES if not rule.short_only)

# The characters other than ASCII letters that re.IGNORECASE matches to an ASCII letter (tested):
# dotted and dotless i, long s, Kelvin sign. ``str.lower`` keeps the dotless i and the long s and
# turns the dotted I into two characters, so on a line holding one a rule may match although its
# ``needs`` word is missing from ``line.lower()``; such lines run every rule.
LOOKALIKES: Final = "\u0130\u0131\u017f\u212a"


def _classify_whole(line: str) -> Reason | None:
    rules = RULES if len(line) < SHORT_LINE else _LONG_RULES
    ascii_like = line.isascii() or not any(char in line for char in LOOKALIKES)
    lowered = line.lower() if ascii_like else None
    for rule in rules:
        if rule.needs and lowered is not None and rule.needs not in lowered:
            continue
        hit = rule.pattern.fullmatch(line) if rule.whole else rule.pattern.search(line)
        if hit:
            return rule.reason
    return None


def clean_text(text: str) -> tuple[str, list[Removed]]:
    """Remove page furniture line by line; return the cleaned text and what was removed.

    >>> cleaned, removed = clean_text("Home\\nA rare case\\n\\nShe was sent home.\\nShare")
    >>> cleaned
    'A rare case\\n\\nShe was sent home.'
    >>> [(r.reason, r.text) for r in removed]
    [('navigation', 'Home'), ('call_to_action', 'Share')]
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _lines(text)
    reasons: list[Reason | None] = [None] * len(lines)
    after_keywords = seen_prose = kept_any = False
    abstract_tab: int | None = None
    for i, (start, end) in enumerate(lines):
        line = text[start:end].strip()
        if not line:
            after_keywords = False
            continue
        if _REFERENCES_HEADING.fullmatch(line):
            for j in range(i, len(lines)):
                reasons[j] = Reason.REFERENCES
            break
        reason = classify_line(line)
        if reason is None and after_keywords and len(line) < 60 and line[-1] != ".":
            reason = Reason.KEYWORDS  # one keyword per line under a "Keywords" heading
        elif _KEYWORDS_HEADING.fullmatch(line):
            reason, after_keywords = Reason.KEYWORDS, True
        else:
            after_keywords = False
        if reason is None and not kept_any and _ARTICLE_TYPE.fullmatch(line):
            reason = Reason.ARTICLE_METADATA  # "Case report" above the title: a label
        if reason is None and not seen_prose and _ABSTRACT_TAB.fullmatch(line):
            if abstract_tab is not None:  # a second bare "Abstract" above any prose: the
                reasons[abstract_tab] = Reason.NAVIGATION  # first was a page tab
            abstract_tab = i
        seen_prose = seen_prose or (len(line) >= 60 and line[-1] in ".!?")
        kept_any = kept_any or reason is None
        reasons[i] = reason
    _mark_trailing_citations(text, lines, reasons)
    kept = "\n".join(
        [text[s:e].rstrip() for (s, e), r in zip(lines, reasons, strict=True) if r is None]
    )
    if "\n\n\n" in kept:  # the regex has no literal prefix: a scan of every character
        kept = _BLANK_LINES.sub("\n\n", kept)
    cleaned = kept.strip()
    return cleaned, _removed_runs(text, lines, reasons)


_BLANK_LINES: Final = re.compile(r"\n{3,}")


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, end))
        start = end + 1


def _mark_trailing_citations(
    text: str, lines: list[tuple[int, int]], reasons: list[Reason | None]
) -> None:
    """Mark the run of numbered citation lines at the end of the text (if any) as references."""
    i = len(lines) - 1
    found: list[int] = []
    while i >= 0:
        line = text[lines[i][0] : lines[i][1]].strip()
        if not line or reasons[i] is not None:
            i -= 1
            continue
        if len(line) > 600 or not _CITATION.match(line):
            break
        found.append(i)
        i -= 1
    for j in found:
        reasons[j] = Reason.REFERENCES


def _removed_runs(
    text: str, lines: list[tuple[int, int]], reasons: list[Reason | None]
) -> list[Removed]:
    removed: list[Removed] = []
    run_reason: Reason | None = None
    run_start = run_end = 0
    for (start, end), reason in zip(lines, reasons, strict=True):
        segment = text[start:end]
        if not segment.strip():
            continue
        if reason is not None:
            lead = len(segment) - len(segment.lstrip())
            begin, finish = start + lead, start + len(segment.rstrip())
            if reason == run_reason:
                run_end = finish
                continue
            if run_reason is not None:
                removed.append(
                    Removed(run_start, run_end, run_reason.value, text[run_start:run_end])
                )
            run_reason, run_start, run_end = reason, begin, finish
        elif run_reason is not None:
            removed.append(Removed(run_start, run_end, run_reason.value, text[run_start:run_end]))
            run_reason = None
    if run_reason is not None:
        removed.append(Removed(run_start, run_end, run_reason.value, text[run_start:run_end]))
    return removed
