"""Fixtures of the corpus tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from rarecase.ontology import KnowledgeBase, load

# -- similar-case index and novelty ------------------------------------------------------------
TINY_HPO = Path(__file__).parent.parent / "diagnose" / "data" / "tiny_hpo"


@pytest.fixture(scope="session")
def tiny_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The synthetic HPO excerpt of the diagnosis tests (tests/diagnose/data/tiny_hpo):
    All > Phenotypic abnormality > nervous system (Seizure > Focal-onset / Generalized-onset
    seizure; Ataxia), skeletal system (Scoliosis, Short stature), eye (Cataract); Seizure has the
    alt id HP:0001275, HP:0000284 is obsolete, replaced by HP:0000478 (Abnormality of the eye)."""
    return load(TINY_HPO, cache_dir=tmp_path_factory.mktemp("corpus-tiny-cache"))
