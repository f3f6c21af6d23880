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


# -- the subject carried across sentences by a pronoun ------------------------------------------


def subjects(annotate_text, text):
    """Each phenotype's subject and cue, by its words (each appears once in these texts)."""
    return {
        m.text: (m.subject.value, m.subject_cue.text if m.subject_cue else None)
        for m in annotate_text(text)
        if m.kind.value == "phenotype"
    }


def test_pronoun_after_a_relative_carries_the_relative(annotate_text):
    found = subjects(
        annotate_text,
        "Her younger brother had seizures from the age of two. He also developed ataxia.",
    )
    assert found["seizures"][0] == "family"
    subject, cue = found["ataxia"]
    assert subject == "family"
    assert cue.startswith("He") and "brother" in cue  # the pronoun, and whom it stands for


def test_pronoun_after_a_cited_patient_carries_the_cited_patient(annotate_text):
    found = subjects(
        annotate_text,
        "Smith et al. described a 9-year-old boy with the same variant. "
        "He had cataracts and deafness.",
    )
    assert found["cataracts"][0] == found["deafness"][0] == "other_patient"


def test_pronoun_of_the_other_gender_is_the_patient(annotate_text):
    found = subjects(annotate_text, "Her brother had seizures. She had ataxia.")
    assert found["seizures"][0] == "family"
    assert found["ataxia"] == ("patient", None)
    found = subjects(
        annotate_text,
        "Smith et al. described a 9-year-old boy with the same variant. She had cataracts.",
    )
    assert found["cataracts"][0] == "patient"


def test_run_goes_on_until_the_patient_is_named(annotate_text):
    found = subjects(
        annotate_text,
        "Her sister had seizures. Later, she developed dysarthria. "
        "Her MRI showed cerebellar atrophy. Our patient had no ataxia.",
    )
    assert [found[words][0] for words in ("dysarthria", "cerebellar atrophy", "ataxia")] == [
        "family",
        "family",
        "patient",
    ]
    found = subjects(annotate_text, "Her father had seizures. In contrast, our patient had ataxia.")
    assert found["ataxia"][0] == "patient"


def test_plural_relatives_are_they(annotate_text):
    found = subjects(annotate_text, "His parents had hearing loss. They also had cataracts.")
    assert found["cataracts"][0] == "family"
    found = subjects(annotate_text, "His parents had hearing loss. He also had cataracts.")
    assert found["cataracts"][0] == "patient"


def test_sentence_naming_someone_ends_the_run(annotate_text):
    for text in (
        "Her brother had seizures. The girl had ataxia.",
        "His brother had seizures. He was referred to our clinic with ataxia.",
        "Her brother had seizures. Similarly, he had ataxia.",
    ):
        assert subjects(annotate_text, text)["ataxia"][0] == "patient", text


def test_no_carrying_across_a_section_heading(annotate_text):
    text = (
        "Case presentation: A 5-year-old girl had hypotonia. Her brother had seizures.\n"
        "Outcome: He had ataxia at follow-up."
    )
    assert subjects(annotate_text, text)["ataxia"] == ("patient", None)
    # the same sentences in one paragraph: carried
    same = text.replace("\nOutcome:", "")
    assert subjects(annotate_text, same)["ataxia"][0] == "family"


def test_generic_statement_is_not_carried(annotate_text):
    found = subjects(
        annotate_text, "Patients with Usher syndrome typically have deafness. He had ataxia."
    )
    assert found["deafness"][0] == "generic"
    assert found["ataxia"] == ("patient", None)


def test_citation_naming_nobody_is_not_carried(annotate_text):
    found = subjects(annotate_text, "This variant has been reported before [3]. He had cataracts.")
    assert found["cataracts"] == ("patient", None)


def test_relative_the_sentence_moves_away_from_is_not_carried(annotate_text):
    found = subjects(
        annotate_text, "Her brother had seizures, but she had no ataxia. He had myopia."
    )
    assert found["myopia"] == ("patient", None)


def test_a_pronoun_after_a_turn_gives_the_patient_back_her_findings(annotate_text):
    found = subjects(annotate_text, "Her brother had seizures, but she had no ataxia.")
    assert found["seizures"][0] == "family" and found["ataxia"][0] == "patient"
    # the pronoun that can be the brother keeps the finding his
    found = subjects(annotate_text, "Her brother had seizures, but he had no ataxia.")
    assert found["ataxia"][0] == "family"


def test_relative_risk_names_no_relative(annotate_text):
    found = subjects(annotate_text, "The relative risk of seizures was high in our patient.")
    assert found["seizures"][0] == "patient"


def test_a_phenotype_inside_a_disease_name_is_no_finding_of_the_patient(annotate_text):
    found = subjects(annotate_text, "A boy with chronic granulomatous disease had fever.")
    assert found["granulomatous"] == ("generic", "chronic granulomatous disease")
    assert found["fever"] == ("patient", None)


def test_in_a_discussion_the_patient_speaks_only_for_her_own_clause(annotate_text):
    text = (
        "Case presentation: A girl had hearing loss.\n"
        "Discussion: Alstrom syndrome, which also causes nystagmus, was excluded because our "
        "patient had normal vision."
    )
    found = subjects(annotate_text, text)
    assert found["nystagmus"][0] == "generic"
    assert found["hearing loss"][0] == "patient"


def test_he_presented_with_goes_on_about_the_cited_man(annotate_text):
    text = (
        "Tanaka et al. reported a 61-year-old man with calcinosis of the atlas. "
        "He presented with neck pain."
    )
    assert subjects(annotate_text, text)["neck pain"][0] == "other_patient"


def test_a_disease_name_that_is_also_a_finding_does_not_make_its_parts_generic(annotate_text):
    found = subjects(annotate_text, "She had cystoid macular oedema.")
    assert found["macular oedema"][0] == "patient"


def test_of_terms_matching_the_same_stems_the_one_worded_as_the_text_wins(recognizer):
    # "malformation" and "abnormality" share a stem; HPO names "Kidney malformation" as a
    # synonym of Abnormal renal morphology, and "Abnormality of the kidney" is its own label
    ids = {
        m.text: m.id
        for m in annotated(
            recognizer,
            "He had malformations of the kidney. Her sister had an abnormality of the kidney.",
        )
        if m.kind.value == "phenotype"
    }
    assert ids["malformations of the kidney"] == "HP:0012210"
    assert ids["abnormality of the kidney"] == "HP:0000077"


def test_abbreviation_with_a_hyphen_and_initials_in_another_order(recognizer):
    text = (
        "Ataxia-telangiectasia (A-T) and myotonic dystrophy (DM) are inherited. "
        "Our patient with A-T had no sign of DM."
    )
    uses = {
        (m.text, m.id)
        for m in annotated(recognizer, text)
        if m.how == "abbreviation" and m.start > text.index("Our")
    }
    assert uses == {("A-T", "OMIM:208900"), ("DM", "OMIM:160900")}
