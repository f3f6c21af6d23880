from __future__ import annotations

from rarecase.text import Format, read_path
from tests.text.helpers import DATA, check_offsets


def test_jats_article() -> None:
    [doc] = read_path(DATA / "jats_article.xml")
    assert doc.format is Format.JATS and doc.id == "90000010" and doc.pmid == "90000010"
    assert doc.title.endswith("young man with SPG11 variants")
    assert doc.journal == "Invented Case Reports in Neurology" and doc.year == 2022
    assert doc.extra["pmcid"] == "PMC9000010"
    by_title = {s.title: s for s in doc.sections}
    assert by_title["Abstract"].kind == "abstract"
    assert by_title["Case report"].kind == "case"
    assert by_title["Genetic testing"].kind == "case"  # inherits its parent's kind
    assert by_title["Introduction"].kind == "background"
    assert by_title["Discussion"].kind == "discussion"
    case = by_title["Case report"]
    assert doc.text[case.start : case.end].startswith("Case report\nThe patient walked")
    assert "Exome sequencing found two truncating" in doc.text[case.start : case.end]
    assert "[1]" in doc.text and "(Figure 1)" in doc.text  # xref markers kept
    assert "Sagittal MRI" not in doc.text and "Laboratory values" not in doc.text
    assert "Adams P" not in doc.text
    assert [r.reason for r in doc.removed] == ["figure_or_table", "figure_or_table", "references"]
    assert doc.source is not None and doc.source.startswith(doc.text)
    starts = [s.start for s in doc.sections]
    assert starts == sorted(starts)
    check_offsets(doc)
