"""A synthetic HPO excerpt with five made-up diseases whose frequencies make every rule visible.

tiny_hpo/phenotype.hpoa (all synthetic):
  OMIM:100001  Focal-onset seizure 1/1, Ataxia 9/10 (and an inheritance row)
  OMIM:100002  Scoliosis 1/1, Short stature (no frequency)
  OMIM:100003  Seizure 8/10, NOT Ataxia
  OMIM:100004  Cataract 1/1, Short stature 1/2
  ORPHA:1      Ataxia 1/1, Cataract 1/2
  OMIM:100005  an inheritance row only: no phenotype profile
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rarecase.diagnose import DiseaseProfiles
from rarecase.ontology import KnowledgeBase, load

TINY_HPO = Path(__file__).parent / "data" / "tiny_hpo"


@pytest.fixture(scope="session")
def tiny_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(TINY_HPO, cache_dir=tmp_path_factory.mktemp("tiny-cache"))


@pytest.fixture(scope="session")
def profiles(tiny_kb: KnowledgeBase) -> DiseaseProfiles:
    return DiseaseProfiles.build(tiny_kb)
