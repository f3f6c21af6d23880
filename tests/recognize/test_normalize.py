import pytest

from rarecase.recognize.normalize import fold, name_keys, name_stems, overstemmed, stem, tokenize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hypoplastic", "hypoplasia"),
        ("dysplastic", "dysplasia"),
        ("microcephalic", "microcephaly"),
        ("fibrotic", "fibrosis"),
        ("scoliotic", "scoliosis"),
        ("arthritic", "arthritis"),
        ("anemic", "anaemia"),
        ("oedema", "edema"),
        ("tumour", "tumor"),
        ("nails", "nail"),
        ("tibiae", "tibia"),
        ("stenoses", "stenosis"),
        ("anomalies", "anomaly"),
        ("neuromas", "neuroma"),
        ("renal", "kidney"),
        ("ocular", "eye"),
        ("anomaly", "abnormality"),
        ("calcified", "calcification"),
        ("duplicated", "duplication"),
        ("elongated", "elongation"),
        ("malrotated", "malrotation"),
        ("dilated", "dilatation"),
    ],
)
def test_forms_that_should_meet(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("a", "b"), [("anomaly", "anomia"), ("renal", "rectal"), ("eye", "ear")])
def test_forms_that_should_stay_apart(a, b):
    assert stem(a) != stem(b)


def test_fold_removes_accents_and_british_spelling():
    assert fold("Café-au-lait") == "cafe-au-lait"
    assert fold("Dyspnoea") == "dyspnea"
    assert fold("haemorrhage") == "hemorrhage"


def test_word_order_and_stop_words_do_not_matter():
    assert name_stems("Hypoplasia of the nails") == name_stems("nail hypoplasia")
    assert name_stems("Abnormality of the kidney") == name_stems("renal anomalies")


def test_hyphenated_names_are_indexed_both_ways():
    keys = name_keys("End-stage renal disease")
    assert name_stems("end stage renal disease") in keys
    assert name_stems("endstage renal disease") in keys


def test_tokens_keep_offsets():
    text = "Atlanto-axial instability (C1-2)."
    assert [(t.start, t.end, text[t.start : t.end]) for t in tokenize(text)][:2] == [
        (0, 7, "Atlanto"),
        (8, 13, "axial"),
    ]


def test_overstemmed():
    assert overstemmed("collectionism")
    assert not overstemmed("obesity")
    assert not overstemmed("seizures")
    assert not overstemmed("hypopigmentation")  # a nominalising ending cuts no meaning


def test_face_facies_and_facial_share_a_stem():
    assert stem("face") == stem("facies") == stem("facial")


def test_testes_is_not_testing():
    assert stem("testes") == stem("testis") != stem("testing")


def test_delay_and_delayed_share_a_stem():
    assert stem("delay") == stem("delayed") == stem("delays")


def test_ordinals_in_words_and_in_figures_share_a_stem():
    assert stem("fourth") == stem("4th") and stem("second") == stem("2nd")


def test_a_possessive_is_the_name_itself():
    assert stem("Romberg's") == stem("Romberg")
