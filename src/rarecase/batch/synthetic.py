"""Synthetic MEDLINE files, for tests and benchmarks of the batch: the structure of a PubMed
baseline file and case-report-like abstracts built from the disease annotations.

Real baseline files cannot be bundled (and must not be fetched at run time). These follow their
layout (``PubmedArticleSet`` / ``PubmedArticle`` / ``MedlineCitation`` with journal, dates,
authors, structured abstract, publication types, MeSH headings, and ``PubmedData`` with ids),
with abstracts about as long as real ones. A share of the records are case reports: a patient
of a given age and sex with 3-6 of a disease's annotated features, some excluded ones, a
relative's finding, a cited earlier patient and the diagnosis. The rest are reviews and cohort
studies that speak of the disease in general. The same seed gives the same files, byte for
byte.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from rarecase.corpus.records import CaseRecord
from rarecase.corpus.synthetic import synthetic_corpus
from rarecase.ontology.knowledge import KnowledgeBase

#: PMIDs of synthetic records start here, far above real ones (about 41 million in 2026).
FIRST_PMID: Final = 90_000_001
JOURNALS: Final = (
    ("J Med Case Rep", "1752-1947"), ("Am J Med Genet A", "1552-4825"),
    ("BMC Pediatr", "1471-2431"), ("Clin Dysmorphol", "0962-8827"),
    ("Eur J Med Genet", "1769-7212"), ("Radiol Case Rep", "1930-0433"),
    ("Mol Genet Genomic Med", "2324-9269"), ("Orphanet J Rare Dis", "1750-1172"),
)  # fmt: skip
SURNAMES: Final = (
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Ribeiro", "Novak", "Haddad", "Kowalski",
    "Fernandes", "Nguyen", "Schmidt", "Rossi", "Patel", "Ivanova", "Mensah", "Larsen",
)  # fmt: skip
#: MeSH publication type ids (NLM).
TYPE_UIS: Final = {
    "Case Reports": "D002363", "Journal Article": "D016428", "Review": "D016454",
    "Multicenter Study": "D016448",
}  # fmt: skip
RELATIVES: Final = ("mother", "father", "sister", "brother", "maternal aunt", "paternal uncle")


@dataclass(frozen=True, slots=True)
class MedlineFile:
    path: Path
    records: int
    case_reports: int


def write_medline(
    kb: KnowledgeBase,
    out: str | Path,
    *,
    files: int = 2,
    records: int = 1000,
    case_report_share: float = 0.3,
    seed: int = 0,
    compress: bool = True,
) -> list[MedlineFile]:
    """``files`` files of ``records`` citations each under ``out``, named as the baseline
    names its files (``pubmed26n0001.xml.gz``)."""
    if files < 1 or records < 1:
        raise ValueError("files and records must be at least 1")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    kinds = [rng.random() < case_report_share for _ in range(files * records)]
    n_cases = sum(kinds)
    corpus = synthetic_corpus(
        kb, max(n_cases, 1), seed=seed, min_present=3, max_present=6, noise=0.05,
        exclude=0.6, max_excluded=2,
    )  # fmt: skip
    cases = corpus.records(kb)
    rng.shuffle(cases)
    topics = synthetic_corpus(kb, max(len(kinds) - n_cases, 1), seed=seed + 1, min_present=3,
                              max_present=4, noise=0.0, exclude=0.0).records(kb)  # fmt: skip
    made: list[MedlineFile] = []
    pmid = FIRST_PMID
    used_cases = used_topics = 0
    for number in range(1, files + 1):
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC '
                 '"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
                 '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
                 "<PubmedArticleSet>\n"]  # fmt: skip
        n_here = 0
        for is_case in kinds[(number - 1) * records : number * records]:
            if is_case:
                record = cases[used_cases % len(cases)]
                used_cases += 1
                n_here += 1
                parts.append(_case_report(kb, record, pmid, rng))
            else:
                record = topics[used_topics % len(topics)]
                used_topics += 1
                parts.append(_other_article(kb, record, pmid, rng))
            pmid += 1
        parts.append("</PubmedArticleSet>\n")
        data = "".join(parts).encode("utf-8")
        name = f"pubmed26n{number:04d}.xml"
        path = folder / (name + ".gz" if compress else name)
        path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
        made.append(MedlineFile(path, records, n_here))
    return made


# ------------------------------------------------------------------------------ records
def _phrase(kb: KnowledgeBase, term: str) -> str:
    label = kb.label(term)
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _listed(items: Sequence[str], last: str = "and") -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _disease_name(record: CaseRecord) -> str:
    label = record.diseases[0].label if record.diseases else "an undiagnosed syndrome"
    if label.isupper():  # OMIM titles: "MARFAN SYNDROME" reads as "Marfan syndrome"
        words = label.lower().split()
        label = " ".join([words[0].capitalize(), *words[1:]]) if words else label
    return label.split(";")[0].strip()


def _case_report(kb: KnowledgeBase, record: CaseRecord, pmid: int, rng: random.Random) -> str:
    disease = _disease_name(record)
    present = [_phrase(kb, t) for t in record.present]
    excluded = [_phrase(kb, t) for t in record.excluded]
    age = rng.choice([rng.randint(1, 17), rng.randint(18, 75)])
    female = rng.random() < 0.5
    person = ("girl" if female else "boy") if age < 18 else ("woman" if female else "man")
    pronoun, possessive = ("She", "Her") if female else ("He", "His")
    first, rest = present[:2], present[2:]
    months = rng.randint(2, 36)
    case = [
        f"A {age}-year-old {person} was referred to our department after {months} months of "
        f"progressive complaints. {pronoun} presented with {_listed(first)}."
    ]
    if rest:
        case.append(f"Physical examination also revealed {_listed(rest)}.")
    if excluded:
        case.append(f"{pronoun} had no {_listed(excluded, 'or')}.")
    case.append(
        "Routine blood counts, renal and liver function tests were within normal limits, and "
        "the remaining examination was unremarkable."
    )
    if rng.random() < 0.4 and present:
        case.append(f"{possessive} {rng.choice(RELATIVES)} had {rng.choice(present)}.")
    case.append(
        "Exome sequencing of the proband and both parents was performed, and segregation of "
        f"the variant was confirmed by Sanger sequencing; the diagnosis of {disease} was made."
    )
    case.append(
        f"{pronoun} received supportive treatment and was followed up for "
        f"{rng.randint(1, 5)} years, with regular clinical and laboratory assessments."
    )
    discussion = [
        f"To our knowledge, fewer than {rng.randint(10, 200)} patients with {disease} have "
        "been described, and the clinical picture varies widely between them."
    ]
    if rng.random() < 0.3 and present:
        cited = rng.randint(2, 9)
        earlier = rng.choice(present)
        discussion.append(f"A similar patient with {earlier} was reported previously [{cited}].")
    discussion.append(
        f"This case widens the clinical spectrum of {disease} and shows the value of early "
        "genetic testing in patients with an unexplained combination of findings."
    )
    sections = [
        ("BACKGROUND", "BACKGROUND",
         f"{disease} is a rare disorder with a variable presentation. Its diagnosis is often "
         "delayed because the early signs are non-specific and overlap with those of more "
         "common conditions."),
        ("CASE PRESENTATION", "METHODS", " ".join(case)),
        ("CONCLUSIONS", "CONCLUSIONS", " ".join(discussion)),
    ]  # fmt: skip
    title = f"{disease} in a {age}-year-old {person}: a case report"
    return _article(pmid, title, sections, ["Case Reports", "Journal Article"], rng)


def _other_article(kb: KnowledgeBase, record: CaseRecord, pmid: int, rng: random.Random) -> str:
    disease = _disease_name(record)
    features = [_phrase(kb, t) for t in record.present]
    n = rng.randint(12, 400)
    if rng.random() < 0.5:
        sections = [
            ("", "UNASSIGNED",
             f"{disease} is characterised by {_listed(features)}. We searched PubMed, Embase "
             f"and the Cochrane Library from inception to {rng.randint(2015, 2025)} and "
             f"reviewed the reported clinical features, the genes involved and the management "
             f"of {n} published patients. Two reviewers extracted the data independently and "
             "resolved disagreements by consensus. Most reports were single cases or small "
             "series, and the quality of the evidence was low. Diagnostic criteria differed "
             "between centres, and follow-up was rarely longer than five years. Treatment "
             "remains supportive in most cases, and prospective registries are needed to "
             "describe the natural history and to prepare trials of targeted therapies."),
        ]  # fmt: skip
        return _article(pmid, f"{disease}: a review", sections, ["Journal Article", "Review"], rng)
    centres = rng.randint(3, 30)
    sections = [
        ("OBJECTIVE", "OBJECTIVE",
         f"To describe the natural history of {disease} and the factors associated with "
         "outcome in a large international cohort."),
        ("METHODS", "METHODS",
         f"We studied {n} patients from {centres} centres in a retrospective multicentre "
         "study. Clinical, radiological and molecular data were collected with a standard "
         "form, and survival was analysed with Kaplan-Meier curves and Cox regression."),
        ("RESULTS", "RESULTS",
         f"The median age at diagnosis was {rng.randint(1, 40)} years. The most frequent "
         f"findings were {_listed(features)}; {rng.randint(5, 60)} % of patients needed "
         f"surgery. The median follow-up was {rng.randint(2, 15)} years, and no clear "
         "genotype-phenotype correlation was found."),
        ("CONCLUSIONS", "CONCLUSIONS",
         "Long-term follow-up in specialised centres is advised, and the findings support "
         "earlier referral for genetic testing."),
    ]  # fmt: skip
    title = f"Natural history of {disease} in a cohort of {n} patients"
    return _article(pmid, title, sections, ["Journal Article", "Multicenter Study"], rng)


def _article(
    pmid: int,
    title: str,
    sections: Sequence[tuple[str, str, str]],
    types: Sequence[str],
    rng: random.Random,
) -> str:
    journal, issn = rng.choice(JOURNALS)
    year = rng.randint(1995, 2025)
    month = rng.randint(1, 12)
    authors = "".join(
        f"<Author ValidYN=\"Y\"><LastName>{s}</LastName><ForeName>{i}.</ForeName>"
        f"<Initials>{i}</Initials></Author>"
        for s, i in ((rng.choice(SURNAMES), rng.choice("ABCDEFGHJKLMNPRST"))
                     for _ in range(rng.randint(2, 7)))
    )  # fmt: skip
    abstract = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{category}">{escape(text)}</AbstractText>'
        if label
        else f"<AbstractText>{escape(text)}</AbstractText>"
        for label, category, text in sections
    )
    kinds = "".join(f'<PublicationType UI="{TYPE_UIS[t]}">{t}</PublicationType>' for t in types)
    mesh = "".join(
        f'<MeshHeading><DescriptorName UI="D{rng.randint(1000, 999999):06d}" '
        f'MajorTopicYN="N">{m}</DescriptorName></MeshHeading>'
        for m in ("Humans", rng.choice(("Male", "Female")), rng.choice(("Child", "Adult")))
    )
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID>'
        f"<DateCompleted><Year>{year}</Year><Month>{month:02d}</Month><Day>15</Day></DateCompleted>"
        f'<Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Electronic">{issn}</ISSN>'
        f'<JournalIssue CitedMedium="Internet"><Volume>{rng.randint(1, 60)}</Volume>'
        f"<Issue>{rng.randint(1, 12)}</Issue><PubDate><Year>{year}</Year>"
        f"<Month>{month:02d}</Month></PubDate></JournalIssue>"
        f"<Title>{escape(journal)}</Title><ISOAbbreviation>{escape(journal)}</ISOAbbreviation>"
        f"</Journal><ArticleTitle>{escape(title)}</ArticleTitle>"
        f"<Pagination><MedlinePgn>{rng.randint(1, 900)}</MedlinePgn></Pagination>"
        f"<Abstract>{abstract}</Abstract>"
        f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
        f"<PublicationTypeList>{kinds}</PublicationTypeList></Article>"
        f"<MedlineJournalInfo><Country>England</Country><MedlineTA>{escape(journal)}</MedlineTA>"
        f"</MedlineJournalInfo><MeshHeadingList>{mesh}</MeshHeadingList></MedlineCitation>"
        f"<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        f"</PubmedArticle>\n"
    )
