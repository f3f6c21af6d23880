"""The matcher on sentences written for these tests."""

import pytest


def found(annotate_text, text):
    return [(m.text, m.id) for m in annotate_text(text)]


def test_word_order_and_adjective_forms(annotate_text):
    assert ("hypoplasia of the nails", "HP:0001792") in found(
        annotate_text, "Examination showed hypoplasia of the nails."
    )
    assert ("microcephalic", "HP:0000252") in found(annotate_text, "The infant was microcephalic.")


def test_british_spelling(annotate_text):
    assert ("oedema", "HP:0000969") in found(annotate_text, "There was pitting oedema.")


def test_coordination_shares_the_head_and_the_tail(annotate_text):
    text = "He had aplastic or hypoplastic nails and hypoplasia of the tibiae and fibulae."
    result = found(annotate_text, text)
    assert ("aplastic or hypoplastic nails", "HP:0001798") in result  # aplastic nails
    assert ("hypoplastic nails", "HP:0001792") in result
    assert ("hypoplasia of the tibiae", "HP:0005736") in result
    assert ("hypoplasia of the tibiae and fibulae", "HP:0003038") in result  # fibular hypoplasia


def test_hyphenated_pair_read_as_one_word(annotate_text):
    assert ("atlanto-axial instability", "HP:0003467") in found(
        annotate_text, "Flexion films showed atlanto-axial instability."
    )


@pytest.mark.parametrize("text", ["C1-C2 instability was found.", "There was C1-2 instability."])
def test_spinal_levels(annotate_text, text):
    assert any(i == "HP:0003467" for _, i in found(annotate_text, text))


def test_normal_x_names_the_abnormality_as_excluded(annotate_text):
    [mention] = [m for m in annotate_text("She had normal hearing.") if m.id == "HP:0000364"]
    assert mention.status.value == "excluded" and mention.how == "normal"


def test_abbreviation_defined_in_the_text(annotate_text):
    mentions = annotate_text(
        "Echocardiography showed a ventricular septal defect (VSD). The VSD closed by age two."
    )
    vsd = [m for m in mentions if m.id == "HP:0001629"]
    assert [m.text for m in vsd] == ["ventricular septal defect", "VSD"]


def test_adjective_qualifying_a_noun_is_no_mention(annotate_text):
    assert all(m.id != "HP:0002664" for m in annotate_text("Tumoral calcinosis was diagnosed."))


def test_verbs_break_a_phrase(annotate_text):
    # a verb is no stop word: "papules spread to cutaneous" is no "cutaneous papule"; only a
    # copula with its predicate completes a name ("her skin was soft")
    mentions = annotate_text("The papules spread to cutaneous folds.")
    assert "HP:0200034" in {m.id for m in mentions}  # "papules" alone
    assert not any(m.text.startswith("papules spread") for m in mentions)


def test_disease_names_are_kept_apart(annotate_text):
    mentions = annotate_text("She was diagnosed with Marfan syndrome.")
    diseases = [m for m in mentions if m.kind.value == "disease"]
    assert diseases and diseases[0].id in ("OMIM:154700", "ORPHA:558")


def test_common_words_alone_are_no_mention(annotate_text):
    assert not any(m.id == "HP:0002527" for m in annotate_text("She was afraid she would fall."))
    assert any(m.id == "HP:0002527" for m in annotate_text("He had a history of falls."))


def test_laboratory_findings_in_predicates(annotate_text):
    mentions = annotate_text("Serum ferritin was markedly raised.")
    assert any(m.id == "HP:0003281" and m.text.endswith("raised") for m in mentions)


def test_spinal_canal_stenosis_at_a_level(annotate_text):
    ids = {m.id for m in annotate_text("MRI showed C5-6 stenosis.")}
    assert "HP:0008445" in ids  # cervical spinal canal stenosis


def test_predicate_normal_excludes_the_abnormality(annotate_text):
    [mention] = [m for m in annotate_text("Her renal function was normal.") if m.id == "HP:0012211"]
    assert mention.status.value == "excluded" and mention.cue.text == "normal"
    assert mention.text == "renal function was normal"


def test_counting_nouns_join_the_span(annotate_text):
    [m] = [m for m in annotate_text("Possible seizure activity overnight.") if m.id == "HP:0001250"]
    assert m.text == "seizure activity" and m.status.value == "uncertain"


def test_a_determiner_starts_a_new_phrase_not_a_coordinated_item(annotate_text):
    mentions = annotate_text("He had a branchial anomaly and a flat face.")
    assert not any(m.text.startswith("anomaly and") for m in mentions)
    assert any(m.text == "flat face" for m in mentions)


def test_first_item_of_a_longer_list_is_the_last_word_of_its_run(annotate_text):
    text = "She had hypoplastic, aplastic or absent nails."
    assert ("hypoplastic, aplastic or absent nails", "HP:0001792") in found(annotate_text, text)


def test_a_list_ends_after_its_conjunction(annotate_text):
    # the phrase after the comma that closes the list is no item of it
    text = (
        "The syndrome combines ocular, articular and auditory manifestations, "
        "renal involvement in some."
    )
    result = found(annotate_text, text)
    assert ("ocular, articular and auditory manifestations", "HP:0000478") in result
    assert not any(t.startswith("manifestations, renal") for t, _ in result)


def test_including_opens_a_list_not_an_item(annotate_text):
    text = "Most manifestations, including neurological signs, were not distinct."
    result = found(annotate_text, text)
    assert ("neurological signs", "HP:0000707") in result
    assert not any(t.startswith("manifestations, including") for t, _ in result)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("She has been seizure-free for two years.", "HP:0001250"),
        ("An erysipelas-like erythema spread over the shin.", "HP:0001055"),
    ],
)
def test_free_and_like_suffixes_disown_the_word(annotate_text, text, absent):
    assert all(m.id != absent for m in annotate_text(text))


def test_other_hyphen_suffixes_keep_the_finding(annotate_text):
    ids = {m.id for m in annotate_text("He had a fever-triggered event.")}
    assert "HP:0001945" in ids


def test_one_word_can_name_a_finding_as_absent(annotate_text):
    mentions = annotate_text("On admission she was afebrile and normocalcaemic.")
    absent = {m.id: (m.status.value, m.status_cue.text if m.status_cue else None) for m in mentions}
    assert absent["HP:0001945"] == ("excluded", "afebrile")
    assert absent["HP:0004363"] == ("excluded", "normocalcaemic")


def test_serum_is_a_stop_word_like_circulating(annotate_text):
    [calcium] = [m for m in annotate_text("Serum calcium was normal.") if m.id == "HP:0004363"]
    assert calcium.status.value == "excluded"


def test_any_predicate_can_complete_a_name(annotate_text):
    assert ("skin was soft", "HP:0000977") in found(annotate_text, "Her skin was soft.")


def test_shared_head_noun_after_a_longer_second_item(annotate_text):
    result = found(annotate_text, "He had low-set and posteriorly rotated ears.")
    assert ("low-set and posteriorly rotated ears", "HP:0000369") in result


def test_coordinate_adjectives_form_one_phrase(annotate_text):
    assert ("high, narrow palate", "HP:0002705") in found(
        annotate_text, "She had a high, narrow palate."
    )


def test_an_anatomical_adjective_before_a_noun_ends_no_name(annotate_text):
    # "small facial angiofibromas" holds no "small face"
    assert all(
        m.id != "HP:0000274" for m in annotate_text("There were small facial angiofibromas.")
    )


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("There were no bacteria in the patient's neutrophils.", "HP:0011897"),  # neutrophilia
        ("A head impulse test was normal.", "HP:0100710"),  # impulsivity
        ("A head impulse test was normal.", "HP:0000035"),  # abnormal testis ("testes" ~ test)
    ],
)
def test_cell_and_test_names_are_no_findings(annotate_text, text, absent):
    assert all(m.id != absent for m in annotate_text(text))


def test_non_prefix_disowns_the_word_it_joins(annotate_text):
    result = found(annotate_text, "He had non-bloody diarrhoea and a non-tender abdomen.")
    assert ("diarrhoea", "HP:0002014") in result
    assert all(i != "HP:0025085" for _, i in result)  # bloody diarrhea


def test_a_predicate_of_two_words(annotate_text):
    assert ("ears were low set", "HP:0000369") in found(annotate_text, "Her ears were low set.")


def test_an_adverb_in_a_predicate_reads_as_its_adjective(annotate_text):
    result = found(annotate_text, "Development was globally delayed.")
    assert ("Development was globally delayed", "HP:0001263") in result


def test_a_shared_tail_does_not_cut_the_second_items_own_name(annotate_text):
    ids = {m.id for m in annotate_text("She had axial hypotonia and poor eye contact.")}
    assert "HP:0000817" in ids  # poor eye contact
    assert "HP:0032547" not in ids  # low intraocular pressure ("hypotonia ... eye")


def test_skipped_words_before_a_head_noun_must_be_modifiers(annotate_text):
    text = "Endoscopy found polyps, and histology showed hamartomas."
    assert all(m.id != "HP:0004390" for m in annotate_text(text))  # hamartomatous polyposis


def test_words_before_the_first_item_join_a_shared_tail(annotate_text):
    result = found(annotate_text, "Radiographs showed short fourth and fifth metacarpals.")
    assert ("short fourth and fifth metacarpals", "HP:0010044") in result  # short 4th metacarpal


@pytest.mark.parametrize(
    "text",
    ["Don't C5-6 stenosis; IgA_def, x2 (n=3).", "patient's  low-set\tears", "", "___ 42kg"],
)
def test_ascii_split_splits_as_the_token_pattern(text):
    from rarecase.recognize.matcher import _SPLIT, _SPLIT_ASCII

    assert _SPLIT_ASCII.split(text) == _SPLIT.split(text)


def test_both_is_a_stop_word(annotate_text):
    result = found(annotate_text, "There was pallor of both optic discs.")
    assert ("pallor of both optic discs", "HP:0000543") in result


def test_coordinate_adjectives_before_a_longer_phrase(annotate_text):
    result = found(annotate_text, "She had a high, narrow palate with dental crowding.")
    assert ("high, narrow palate", "HP:0002705") in result
