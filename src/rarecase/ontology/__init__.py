"""The HPO knowledge base: graph, id remapping, information content, disease annotations."""

from rarecase.ontology.hpoa import parse_frequency
from rarecase.ontology.ids import (
    PHENOTYPIC_ABNORMALITY,
    Subontology,
    TermId,
)
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.loader import load
from rarecase.ontology.model import Annotation, Database, Disease, Remap, RemapKind, Synonym, Term
from rarecase.ontology.sources import HpoSources, locate_sources

__all__ = [
    "PHENOTYPIC_ABNORMALITY",
    "Annotation",
    "Database",
    "Disease",
    "HpoSources",
    "KnowledgeBase",
    "Remap",
    "RemapKind",
    "Subontology",
    "Synonym",
    "Term",
    "TermId",
    "load",
    "locate_sources",
    "parse_frequency",
]
