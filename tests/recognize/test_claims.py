"""Cited claims: markers, numbers, outcome, population, and references resolved."""

from __future__ import annotations

from rarecase.recognize.claims import claims, reference_list
from rarecase.text import read_source

REPORT = "\n".join(
    [
        "Case presentation: A 54-year-old woman presented with a neck mass. The mass was resected.",
        "Discussion: Recurrence occurs in up to a third of patients with metabolic abnormalities "
        "[2]. Incomplete resection is associated with recurrence [3, 4]. Tumoral calcinosis "
        "affects the hip in 45% of cases (Smith et al., 2019). It was first described in 1899 "
        "[5]. Surgical management was reported in a series (n = 12)\u00b9.",
        "References",
        "1. Lee K, et al. Calcific masses of the spine. J Spine Case. 2021;7:101-9.",
        "2. Smith J, Doe A. Tumoral calcinosis revisited. Spine Rev. 2019;4:12-20.",
        "3. Brown P. Outcomes after excision. Bone. 2020;1:1-5.",
        "4. Green Q. Resection margins. Spine. 2018;2:3-9.",
        "",
    ]
)


def found():
    [document] = read_source(REPORT, name="report")
    return document, claims(document)


def test_each_cited_quantitative_or_causal_sentence_is_a_claim():
    _, found_claims = found()
    texts = [c.text for c in found_claims]
    assert len(found_claims) == 4
    assert "Recurrence occurs in up to a third" in texts[0]
    assert texts[1].startswith("Incomplete resection is associated")
    assert not any("first described in 1899" in t for t in texts)  # a year is no figure
    assert not any("54-year-old" in t for t in texts)  # the patient's story cites nothing


def test_numbers_units_outcome_and_population():
    _, (third, causal, hip, series) = found()
    assert [(q.value, q.unit) for q in third.quantities] == [(33.3, "%")]
    assert third.outcome == "recurrence"
    assert third.population == "patients with metabolic abnormalities"
    assert causal.causal == "is associated with" and causal.outcome == "recurrence"
    assert causal.quantities == ()
    assert [(q.text, q.value, q.unit) for q in hip.quantities] == [("45%", 45.0, "%")]
    assert [(q.value, q.unit) for q in series.quantities] == [(12.0, "n")]


def test_markers_and_their_references():
    document, (third, causal, hip, series) = found()
    assert third.markers[0].numbers == (2,)
    assert third.markers[0].references[0].startswith("Smith J, Doe A.")
    assert causal.markers[0].numbers == (3, 4) and len(causal.markers[0].references) == 2
    assert hip.markers[0].text == "(Smith et al., 2019)" and hip.markers[0].numbers == ()
    assert series.markers[0].text == "¹" and series.markers[0].numbers == (1,)
    marker = causal.markers[0]
    assert document.text[marker.start : marker.end] == "[3, 4]"
    assert sorted(reference_list(document)) == [1, 2, 3, 4]


def test_ranges_of_references():
    [document] = read_source("Mortality reaches 20% in adults [2-4].", name="d")
    [claim] = claims(document)
    assert claim.markers[0].numbers == (2, 3, 4)
    assert claim.outcome == "mortality" and claim.population == "adults"


def test_markers_resolve_to_a_jats_reference_list():
    jats = (
        '<article article-type="case-report"><front><article-meta><title-group>'
        "<article-title>A case</article-title></title-group></article-meta></front><body>"
        '<sec sec-type="discussion"><title>Discussion</title><p>Recurrence follows marginal '
        'excision in 30% of cases [<xref ref-type="bibr" rid="B2">2</xref>].</p></sec></body>'
        '<back><ref-list><ref id="B1"><mixed-citation>Adams P. First. J A. 2019;1:1.'
        '</mixed-citation></ref><ref id="B2"><mixed-citation>Cruz D. Second. J B. 2020;2:2.'
        "</mixed-citation></ref></ref-list></back></article>"
    )
    [document] = read_source(jats, name="a.xml")
    [claim] = claims(document)
    assert claim.quantities[0].value == 30.0 and claim.outcome == "recurrence"
    assert claim.markers[0].references == ("Cruz D. Second. J B. 2020;2:2.",)


def test_markers_resolve_to_a_pubmed_reference_list():
    pubmed = (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99</PMID><Article>"
        "<ArticleTitle>A case</ArticleTitle><Abstract><AbstractText>A 30-year-old woman had "
        "a mass. Recurrence follows marginal excision in 30% of cases [2].</AbstractText>"
        "</Abstract></Article></MedlineCitation><PubmedData><ReferenceList>"
        "<Reference><Citation>Adams P. First. J A. 2019;1:1.</Citation></Reference>"
        "<Reference><Citation>Cruz D. Second. J B. 2020;2:2.</Citation><ArticleIdList>"
        '<ArticleId IdType="pubmed">123456</ArticleId></ArticleIdList></Reference>'
        "</ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>"
    )
    [document] = read_source(pubmed, name="a.xml")
    assert len(document.extra["references"]) == 2
    [claim] = claims(document)
    assert claim.quantities[0].value == 30.0
    assert claim.markers[0].references == ("Cruz D. Second. J B. 2020;2:2. (PMID:123456)",)
