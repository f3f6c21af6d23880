"""The synthetic MEDLINE generator: PubMed's layout, case reports the recogniser reads as
such, the same bytes for the same seed."""

from __future__ import annotations

import gzip

from rarecase.batch.synthetic import write_medline
from rarecase.recognize.mention import Status, Subject
from rarecase.text import read_path


def test_files_read_as_pubmed_with_case_reports_by_publication_type(medline, recognizer):
    files = sorted(medline.iterdir())
    assert [f.name for f in files] == [f"pubmed26n000{i}.xml.gz" for i in (1, 2, 3)]
    documents = [d for f in files for d in read_path(f)]
    assert len(documents) == 240
    assert len({d.pmid for d in documents}) == 240
    reports = [d for d in documents if "Case Reports" in d.publication_types]
    assert 0.25 < len(reports) / len(documents) < 0.55
    assert all(d.journal and d.year and d.title for d in documents)
    # a case report's findings are the patient's: some present, some excluded, a relative's
    seen = {(m.status, m.subject) for d in reports for m in recognizer.annotate(d)}
    assert {(Status.PRESENT, Subject.PATIENT), (Status.EXCLUDED, Subject.PATIENT),
            (Status.PRESENT, Subject.FAMILY)} <= seen  # fmt: skip
    # reviews and cohort studies speak of the disease in general
    others = [d for d in documents if "Case Reports" not in d.publication_types]
    subjects = [m.subject for d in others for m in recognizer.annotate(d)
                if m.kind.value == "phenotype"]  # fmt: skip
    assert subjects.count(Subject.GENERIC) / len(subjects) > 0.8


def test_the_same_seed_gives_the_same_bytes(hpo, tmp_path):
    one = write_medline(hpo, tmp_path / "a", files=1, records=30, seed=3)
    two = write_medline(hpo, tmp_path / "b", files=1, records=30, seed=3)
    other = write_medline(hpo, tmp_path / "c", files=1, records=30, seed=4)
    assert one[0].path.read_bytes() == two[0].path.read_bytes()
    assert one[0].path.read_bytes() != other[0].path.read_bytes()
    size = len(gzip.decompress(one[0].path.read_bytes())) / 30
    assert 1200 < size < 4000  # bytes of XML per citation, as in real files
