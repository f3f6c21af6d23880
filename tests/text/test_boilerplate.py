from __future__ import annotations

import re
import string
import time
from pathlib import Path

import pytest

from rarecase.text import Reason, clean_text
from rarecase.text.boilerplate import LOOKALIKES, RULES, SHORT_LINE, classify_line
from tests.text.helpers import DATA

WEB = sorted(p for p in (DATA / "web").glob("*.txt") if not p.name.endswith(".expected.txt"))


def test_there_are_six_publisher_styles() -> None:
    assert len(WEB) >= 6


@pytest.mark.parametrize("page", WEB, ids=lambda p: p.stem)
def test_web_fixture_reproduces_expected_text(page: Path) -> None:
    source = page.read_text(encoding="utf-8")
    cleaned, removed = clean_text(source)
    expected = page.with_name(page.stem + ".expected.txt").read_text(encoding="utf-8")
    assert cleaned + "\n" == expected
    assert removed
    previous_end = -1
    for cut in removed:
        assert source[cut.start : cut.end] == cut.text  # exact, hence also == .strip()
        assert cut.text == cut.text.strip() and cut.text
        assert cut.reason in {r.value for r in Reason}
        assert cut.start > previous_end  # ordered, not overlapping
        previous_end = cut.end


@pytest.mark.parametrize(
    "line",
    [
        "She was discharged home on day 5.",
        "The two patients share a variant.",
        "Home visits were arranged by the nurse.",
        "He could not log in to the school network because of visual loss.",
        "Search for a second variant was negative.",
        "CRP > 10 mg/L",
        "Results",
        "Case presentation",
        "She had no feedback from the clinic.",
    ],
)
def test_clinical_lines_are_kept(line: str) -> None:
    assert classify_line(line) is None
    assert clean_text(f"Title line\n{line}")[0] == f"Title line\n{line}"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Home > Journals > Invented Neurology", Reason.NAVIGATION),
        ("Skip to main content", Reason.NAVIGATION),
        ("Book a demo with our team", Reason.CALL_TO_ACTION),
        ("Download PDF", Reason.CALL_TO_ACTION),
        ("Was this page helpful?", Reason.FEEDBACK),
        ("© 2024 Elsevier Inc. All rights reserved.", Reason.COPYRIGHT),
        (
            "This article is distributed under the terms of the Creative Commons Attribution "
            "4.0 International License, which permits unrestricted use, distribution and "
            "reproduction in any medium.",
            Reason.COPYRIGHT,
        ),
        (
            "The content on this page is provided by a third party and has not been reviewed.",
            Reason.DISCLAIMER,
        ),
        (
            "We use cookies to give you the best experience on our website, see policy.",
            Reason.COOKIE_NOTICE,
        ),
        ("Accept all cookies", Reason.COOKIE_NOTICE),
        ("Facebook Twitter LinkedIn Email", Reason.SOCIAL),
        ("Views 1,234", Reason.METRICS),
        ("Citations 12", Reason.METRICS),
        ("Keywords: ataxia; SPTBN2; hearing loss", Reason.KEYWORDS),
    ],
)
def test_boilerplate_lines_have_their_reason(line: str, reason: Reason) -> None:
    assert classify_line(line) is reason


def test_references_heading_cuts_to_the_end() -> None:
    source = "A title\nShe had ataxia.\nREFERENCES\n1. Smith J. Ataxia. J Med. 2019;12:34-56.\nMore"
    cleaned, removed = clean_text(source)
    assert cleaned == "A title\nShe had ataxia."
    assert [r.reason for r in removed] == ["references"]
    assert removed[0].text.startswith("REFERENCES") and removed[0].text.endswith("More")


def test_trailing_numbered_citations_are_removed() -> None:
    source = (
        "A title\nShe had ataxia.\n\n1. Smith J, Doe A. Title. J Med. 2019;12:34-56.\n"
        "2. Roe B. Other title. Clin Genet. 2020;7:1-5.\n"
    )
    cleaned, removed = clean_text(source)
    assert cleaned == "A title\nShe had ataxia."
    assert removed[0].reason == "references"
    assert removed[0].text.count("\n") == 1


def test_crlf_offsets_refer_to_normalised_source() -> None:
    cleaned, removed = clean_text("Menu\r\nA title\r\nShare\r\n")
    assert cleaned == "A title"
    assert [(r.start, r.end, r.text) for r in removed] == [(0, 4, "Menu"), (13, 18, "Share")]


def test_blank_line_runs_collapse() -> None:
    assert clean_text("A\n\n\n\nHome\n\n\nB")[0] == "A\n\nB"


def test_rules_are_anchored_data() -> None:
    assert all(rule.pattern.flags & 2 for rule in RULES)  # re.IGNORECASE
    assert all(rule.whole or rule.pattern.pattern.startswith(("^", "\\b")) for rule in RULES)


def test_five_megabytes_is_linear_and_has_no_backtracking() -> None:
    paragraph = (
        "A 12-year-old girl had progressive ataxia, i.e. a broad-based gait, and "
        "dysarthria; Dr. Ray found areflexia. " * 4
    )
    hostile = "Home > " * 9 + "x" * 60 + " " + "a" * 300 + " © " + "(" * 200
    lines = [paragraph, "Share", "Views 1,234", hostile, "1. " + "A" * 500 + " 2019"]
    source = "\n".join(lines * 9000)[: 5 * 1024 * 1024]
    started = time.perf_counter()
    cleaned, removed = clean_text(source)
    assert time.perf_counter() - started < 20
    assert "Share\n" not in cleaned and paragraph.strip() in cleaned
    assert len(removed) > 1000


@pytest.mark.parametrize(
    "line",
    [
        "Renal Case Journal | Home | Current issue | Submit",
        "Share this article: Mastodon | Email | Download PDF",
        "Print    Share    Cite this article",
        "Open access. Share this article. Download PDF.",
        "Paediatric Case Reports — Open access journal of child health",
        "Open Access | Article | Published: 3 May 2021",
        "Cookie settings: We use necessary and marketing cookies. Accept all",
        "You are not signed in. Sign in | Create account",
    ],
)
def test_rows_of_page_furniture(line):
    assert classify_line(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "She had fever, rash and arthralgia. Her mother had psoriasis.",
        "Case presentation: A 3-year-old boy had seizures | see Table 1.",
        "X-linked hypophosphatemia was confirmed.",
    ],
)
def test_clinical_lines_are_not_furniture(line):
    assert classify_line(line) is None


def _ignorecase_twins_of_ascii_letters() -> set[str]:
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    return {c for c in re.findall("[a-z]", everything, re.I) if not c.isascii()}


def test_lookalikes_are_every_non_ascii_letter_that_ignorecase_takes_for_ascii() -> None:
    # The `needs` shortcut is exact only if this list is complete for the running Python.
    assert set(LOOKALIKES) == _ignorecase_twins_of_ascii_letters()


def test_needed_words_are_literal_in_their_patterns() -> None:
    needing = [rule for rule in RULES if rule.needs]
    assert len(needing) == 3
    for rule in needing:
        assert rule.needs == rule.needs.lower() and set(rule.needs) <= set(
            string.ascii_lowercase + " "
        )
        assert rule.needs in rule.pattern.pattern.lower()


PROSE = "The family consented to publication of this report of a rare syndrome in two siblings"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (PROSE + ". ALL RIGHTS RESERVED.", Reason.COPYRIGHT),
        (PROSE + "; all r\u0131ghts reserved.", Reason.COPYRIGHT),  # dotless i
        (PROSE + " under a Creative Commons Attribution Licence.", Reason.COPYRIGHT),
        (PROSE + " under a Creative Common\u017f licence.", Reason.COPYRIGHT),  # long s
        ("This website uses COO\u212aIES to improve your visit. " + PROSE, Reason.COOKIE_NOTICE),
        (PROSE + ". We use cookies.", Reason.COOKIE_NOTICE),
        (PROSE + ", who ate cookies.", None),
        (PROSE + ", all rights of whom were reserved.", None),
    ],
)
def test_long_lines_with_and_without_the_needed_word(line: str, reason: Reason | None) -> None:
    assert len(line) >= SHORT_LINE
    assert classify_line(line) == reason
