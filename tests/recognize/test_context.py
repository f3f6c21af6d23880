"""Status and subject on sentences written for these tests, in the style of case reports."""

import pytest

from rarecase.errors import KnowledgeError
from rarecase.recognize.context import default_rules, parse_rules


def judged(annotate_text, text, words):
    [m] = [m for m in annotate_text(text) if m.text == words and m.kind.value == "phenotype"]
    return m.status.value, m.subject.value, (m.cue.text if m.cue else None)


@pytest.mark.parametrize(
    ("text", "words", "status", "cue"),
    [
        ("A 54-year-old woman presented with neck pain.", "neck pain", "present", None),
        ("She had no fever or hepatomegaly.", "hepatomegaly", "excluded", "no"),
        ("The child was born without polydactyly.", "polydactyly", "excluded", "without"),
        ("He denied chest pain.", "chest pain", "excluded", "denied"),
        ("Scoliosis was ruled out on radiographs.", "Scoliosis", "excluded", "ruled out"),
        (
            "Hydronephrosis was not seen on ultrasound.",
            "Hydronephrosis",
            "excluded",
            "was not seen",
        ),
        ("Possible myopathy was suggested by the biopsy.", "myopathy", "uncertain", "Possible"),
        ("A seizure disorder could not be excluded.", "seizure disorder", "uncertain", None),
        ("There was no increase in seizure frequency.", "seizure frequency", "present", None),
        ("She had no fever, but severe headache began at night.", "headache", "present", None),
        ("Appendicitis had been ruled out earlier.", "Appendicitis", "excluded", "been ruled out"),
        ("On examination she was not ataxic.", "ataxic", "excluded", "was not"),
        ("She had no fever, a fine tremor and ataxia.", "tremor", "present", None),
        ("He was not only ataxic but deaf.", "ataxic", "present", None),
        (
            "Corneal clouding and hepatomegaly, none of which was present, are typical.",
            "hepatomegaly",
            "excluded",
            "none of which was present",
        ),
        (
            "It causes seizures, which she does not show.",
            "seizures",
            "excluded",
            "which she does not show",
        ),
        (
            "Radiographs showed absence of tooth germs, confirming hypodontia.",
            "hypodontia",
            "present",
            None,
        ),
        (
            "Imaging raised the possibility of scoliosis.",
            "scoliosis",
            "uncertain",
            "possibility of",
        ),
    ],
)
def test_status(annotate_text, text, words, status, cue):
    found_status, _, found_cue = judged(annotate_text, text, words)
    assert found_status == status
    if cue is not None:
        assert cue in found_cue


@pytest.mark.parametrize(
    ("text", "words", "subject"),
    [
        ("Her brother had seizures since infancy.", "seizures", "family"),
        ("There was a family history of hearing loss.", "hearing loss", "family"),
        ("Her 9-year-old sister had scoliosis but no hearing loss.", "hearing loss", "family"),
        (
            "A previously reported boy with the same variant had seizures [3].",
            "seizures",
            "other_patient",
        ),
        (
            "A previously reported girl had hydrocephalus, but our patient had no ataxia.",
            "ataxia",
            "patient",
        ),
        (
            "Marfan syndrome is characterised by aortic root aneurysm and ectopia lentis.",
            "ectopia lentis",
            "generic",
        ),
        ("The lesions typically cause pain and joint swelling.", "joint swelling", "generic"),
        ("On examination she had joint swelling.", "joint swelling", "patient"),
        ("Brachydactyly is inherited as a dominant trait.", "Brachydactyly", "generic"),
        ("Our patient had seizures, which are inherited in her family.", "seizures", "patient"),
    ],
)
def test_subject(annotate_text, text, words, subject):
    assert judged(annotate_text, text, words)[1] == subject


def test_no_family_history_is_an_excluded_family_finding(annotate_text):
    status, subject, _ = judged(
        annotate_text, "There was no family history of deafness.", "deafness"
    )
    assert (status, subject) == ("excluded", "family")


def test_background_section_defaults_to_generic(annotate_text):
    text = (
        "Title of a report\nBackground: Gitelman syndrome causes hypokalemia.\n"
        "Case presentation: A woman had hypokalemia."
    )
    subjects = [m.subject.value for m in annotate_text(text) if m.text == "hypokalemia"]
    assert subjects == ["generic", "patient"]


def test_default_rules_load_and_are_versioned():
    rules = default_rules()
    assert rules.version >= 1 and len(rules.rules) > 10


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"rules": [], "colour": 1}, "unknown keys \\['colour'\\]"),
        ({"rules": [{"category": "negation", "pattern": "no"}]}, "keys must be exactly"),
        ({"rules": [{"category": "nope", "direction": "forward", "pattern": "x"}]}, "categories:"),
        (
            {"rules": [{"category": "negation", "direction": "forward", "pattern": "("}]},
            "bad pattern",
        ),
    ],
)
def test_rule_documents_are_validated(document, message):
    with pytest.raises(KnowledgeError, match=message):
        parse_rules(document, "test.json")


def test_title_naming_the_patient_among_relatives(annotate_text):
    text = "Night blindness in two sisters: a case report\nCase presentation: She had ataxia."
    [m] = [
        m
        for m in annotate_text(text)
        if m.text == "Night blindness" and m.kind.value == "phenotype"
    ]
    assert m.subject.value == "patient"


def test_parents_reporting_are_not_the_subject(annotate_text):
    _, subject, _ = judged(
        annotate_text, "Episodes of flushing were reported by the parents.", "flushing"
    )
    assert subject == "patient"


def test_recommendations_are_generic(annotate_text):
    text = "Every child with adrenocortical carcinoma should be offered genetic testing."
    _, subject, _ = judged(annotate_text, text, "adrenocortical carcinoma")
    assert subject == "generic"


def test_absent_as_an_adjective_is_no_negation(annotate_text):
    status, _, _ = judged(
        annotate_text, "He had recurrent pneumonia and absent tonsils.", "recurrent pneumonia"
    )
    assert status == "present"
    status, _, _ = judged(annotate_text, "Fever absent for two days.", "Fever")
    assert status == "excluded"


def test_sentence_context_nearest_governing_cue_and_clause_end():
    """The status cue is the nearest of those governing the mention; ";" ends a clause."""
    from rarecase.recognize.context import SentenceContext

    text = "Her brother had no seizures; she had ataxia but possibly no scoliosis."
    context = SentenceContext(text, 0, len(text), default_rules())

    def status(words):
        start = text.index(words)
        found, cue = context.status(start, start + len(words))
        return found.value, cue.text if cue else None

    assert status("seizures") == ("excluded", "had no")
    assert status("ataxia") == ("present", None)  # "had no" stops at ";"
    assert status("scoliosis") == ("excluded", "no")  # "no" is nearer than "possibly"


def _hits(matches):
    return [(m.lastindex, m.start(), m.end()) for m in matches]


@pytest.mark.parametrize(
    "sentence",
    [
        "no increase in seizures, no fever.",
        "not only ataxia but no seizures",
        "a 3-year-old boy and his 10-year-old sister; mother had fever",
        "mother had fever (no rash) [not seen] x-no y non-no no-one",
        "fever: negative, fever : negative, fever  negative, result:negative",
        "gram-negative rods; is it possible? ?",
        "smith et al. reported a 3-year-old boy; up to 50% of patients, 12 % of cases",
        "it can not be excluded and could not be ruled out; absent for two days, absent",
        "",
        "no",
    ],
)
def test_scan_finds_what_one_combined_pattern_finds(sentence):
    rules = default_rules()
    assert rules.finders is not None
    assert _hits(rules.scan(sentence)) == _hits(rules.combined_lower.finditer(sentence))


def test_a_pseudo_cue_still_hides_its_negation():
    rules = default_rules()
    found = [
        (rules.rule_at[m.lastindex].category.value, m.group())
        for m in rules.scan("there was no increase in pain and no fever")
    ]
    assert found == [("pseudo", "no increase"), ("negation", "no")]


def test_scan_agrees_with_finditer_on_rules_it_must_multiply_out():
    """Leading groups, optional and repeated tokens, anchors and lookaheads, on random text."""
    import random

    patterns = [
        "ab|a(?:c|d)?e",
        "x+y|(?:p|pq)r*s",
        "\\d+[- ]?q|:?\\s*k",
        "^m|n(?=o)|a b",
        "(?:a|x)??b|e{2}",
        "b",
    ]
    rules = parse_rules(
        {
            "rules": [
                {"category": "negation", "direction": "forward", "pattern": p} for p in patterns
            ]
        }
    )
    assert rules.finders is not None
    generator = random.Random(7)
    for _ in range(3000):
        text = "".join(generator.choices("abcdexyqprsmnok :-1", k=generator.randrange(14)))
        assert _hits(rules.scan(text)) == _hits(rules.combined_lower.finditer(text)), text


def test_scan_without_finders_for_rules_with_groups_of_their_own():
    rule = {"category": "negation", "direction": "forward", "pattern": "(n)o"}
    rules = parse_rules({"rules": [rule]})
    assert rules.finders is None
    assert [m.group() for m in rules.scan("no, no")] == ["no", "no"]
