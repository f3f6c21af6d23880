"""rarecase: from a clinical case description to a coded, reasoned case.

The public API. Load the knowledge once and pass it on; nothing is loaded at import time:

    >>> import rarecase
    >>> kb = rarecase.load(MINI_HPO, cache_dir=CACHE)
    >>> case = rarecase.case_from_terms(["HP:0001250", "HP:0012638"], kb=kb)
    >>> [f.problem.value for f in rarecase.validate_case(case, kb).findings]
    ['redundant_ancestor']
"""

from rarecase._version import __version__
from rarecase.diagnose import (
    Differential,
    DiseaseProfiles,
    cached_profiles,
    make_ranker,
    query_from_ids,
)
from rarecase.diagnose.published import read_published
from rarecase.ontology import KnowledgeBase, TermId, load
from rarecase.phenopacket import (
    Case,
    case_from_dict,
    case_to_dict,
    dumps_phenopacket,
    parse_phenopacket,
    read_phenopacket,
    write_phenopacket,
)
from rarecase.phenopacket.terms import case_from_terms, split_marked
from rarecase.phenopacket.validate import ValidationReport, sanitize, validate_case, validate_file
from rarecase.pipeline import Analysis, AnnotatedDocument, analyze, annotate
from rarecase.recognize.recognizer import Recognizer

__all__ = [
    "Analysis",
    "AnnotatedDocument",
    "Case",
    "Differential",
    "DiseaseProfiles",
    "KnowledgeBase",
    "Recognizer",
    "TermId",
    "ValidationReport",
    "__version__",
    "analyze",
    "annotate",
    "cached_profiles",
    "case_from_dict",
    "case_from_terms",
    "case_to_dict",
    "dumps_phenopacket",
    "load",
    "make_ranker",
    "parse_phenopacket",
    "query_from_ids",
    "read_phenopacket",
    "read_published",
    "sanitize",
    "split_marked",
    "validate_case",
    "validate_file",
    "write_phenopacket",
]
