"""Whole-document recognition: nested mentions, abbreviations, order."""

from rarecase.text import read_source


def annotated(recognizer, text):
    [document] = read_source(text, name="t")
    return recognizer.annotate(document)


def test_short_mention_inside_longer_one_is_nested(recognizer):
    found = {
        (m.text, m.kind.value): m.nested
        for m in annotated(recognizer, "He had chronic kidney disease and short stature.")
    }
    assert found[("chronic kidney disease", "phenotype")] is False
    assert found[("kidney disease", "phenotype")] is True
    assert found[("short stature", "phenotype")] is False


def test_head_word_naming_an_ancestor_is_not_nested(recognizer, hpo):
    mentions = annotated(recognizer, "She had ulcerative colitis and a ventricular septal defect.")
    found = {m.text: m for m in mentions if m.kind.value == "phenotype"}
    for short, long in (
        ("colitis", "ulcerative colitis"),
        ("septal defect", "ventricular septal defect"),
    ):
        assert hpo.is_ancestor(found[short].id, found[long].id)
        assert found[short].nested is False
        assert found[long].nested is False


def test_abbreviation_defined_after_spaces(recognizer):
    text = "Townes-Brocks syndrome  (TBS) is rare. Our patient with TBS had no hearing loss."
    mentions = annotated(recognizer, text)
    short = [(m.start, m.how) for m in mentions if m.text == "TBS"]
    assert short == [(text.rindex("TBS"), "abbreviation")]  # the definition is no mention
    assert mentions[[m.text for m in mentions].index("TBS")].id == mentions[0].id


def test_mentions_come_in_text_order_longest_first(recognizer):
    mentions = annotated(
        recognizer, "He had chronic kidney disease. She had ulcerative colitis and no seizures."
    )
    keys = [(m.start, -m.end, m.id) for m in mentions]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
