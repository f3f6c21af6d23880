from __future__ import annotations

import random
import time

import pytest

from rarecase.text import split_sentences
from rarecase.text.sentences import _BOUNDARY, _boundaries


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Lee examined the boy. He had seizures.",
            ["Dr. Lee examined the boy.", "He had seizures."],
        ),
        (
            "As reported by Smith et al. Her EEG was normal.",
            ["As reported by Smith et al. Her EEG was normal."],
        ),
        (
            "He received 2.5 mg/kg daily. Weight 12.4 kg.",
            ["He received 2.5 mg/kg daily.", "Weight 12.4 kg."],
        ),
        (
            "The case of J. Smith was similar. See Fig. 2 for details.",
            ["The case of J. Smith was similar.", "See Fig. 2 for details."],
        ),
        (
            "Several signs, e.g. Ptosis, were seen. Others, i.e. Ataxia, were not.",
            ["Several signs, e.g. Ptosis, were seen.", "Others, i.e. Ataxia, were not."],
        ),
        (
            "Levels were low vs. Controls. Mr. Brown agreed.",
            ["Levels were low vs. Controls.", "Mr. Brown agreed."],
        ),
        ("She had vitamin D. Her calcium was low.", ["She had vitamin D.", "Her calcium was low."]),
        (
            'Was it genetic? Yes! "It was." (See below.)',
            ["Was it genetic?", "Yes!", '"It was."', "(See below.)"],
        ),
        (
            "BACKGROUND\nRare disease.\n\nCASE\nA boy.",
            ["BACKGROUND", "Rare disease.", "CASE", "A boy."],
        ),
        (
            "a line wrapped\nin the middle of a sentence. Next one.",
            ["a line wrapped\nin the middle of a sentence.", "Next one."],
        ),
        (
            "Findings:\n1. Ptosis was seen.\n2. Ataxia followed.",
            ["Findings:", "1. Ptosis was seen.", "2. Ataxia followed."],
        ),
        (
            "Approx. 10 cases exist, cf. Ref. 4. No. 3 was unrelated.",
            ["Approx. 10 cases exist, cf. Ref. 4.", "No. 3 was unrelated."],
        ),
    ],
)
def test_tricky_splits(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


def test_spans_are_stripped_and_inside_window() -> None:
    text = "  Intro. First one.   Second one.\n\n  Third.  "
    spans = split_sentences(text, 8)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one.", "Third."]
    for start, end in spans:
        assert 8 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
    assert split_sentences(text, 0, 7) == [(2, 7)]


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []


def test_fast_on_many_abstracts() -> None:
    abstract = (
        "A 5-year-old boy (J. K.) presented with ataxia, i.e. unsteady gait, since age 2.5 years. "
        "Dr. Ng found nystagmus vs. normal eye movements in his sister. Smith et al. reported "
        "similar cases. MRI showed cerebellar atrophy (Fig. 1). Exome sequencing was done!\n\n"
    ) * 3
    started = time.perf_counter()
    for _ in range(2000):
        split_sentences(abstract)
    assert time.perf_counter() - started < 4.0  # > 500 abstracts a second even on a slow CI


def _random_texts(count: int) -> list[str]:
    parts = [*"aB7 \t\n.!?'\"\u201d)([", "e.g.", "Fig. 2", "  \n \n"]
    rng = random.Random(1)
    return ["".join(rng.choice(parts) for _ in range(rng.randrange(1, 40))) for _ in range(count)]


def test_boundaries_are_those_of_the_single_regex() -> None:
    texts = [*_random_texts(3000), 'Stop... Go!? "Yes." (No.) [1]\n\nA.\nB', "x.\n \n\nY"]
    for text in texts:
        for start, stop in [(0, len(text)), (1, len(text) - 1), (len(text) // 2, len(text))]:
            fast = [(m.span(), m.lastgroup) for m in _boundaries(text, start, stop)]
            slow = [(m.span(), m.lastgroup) for m in _BOUNDARY.finditer(text, start, stop)]
            assert fast == slow, (text, start, stop)
