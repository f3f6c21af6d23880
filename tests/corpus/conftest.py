"""Store fixtures: a store per test, once on SQLite and once on the session's PostgreSQL server
(``postgres_url``, from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rarecase.corpus.store import CaseStore
from rarecase.ontology import KnowledgeBase, load

# ------------------------------------------------------------------------- stores


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}") as opened:
        yield opened


# -- similar-case index and novelty ------------------------------------------------------------
TINY_HPO = Path(__file__).parent.parent / "diagnose" / "data" / "tiny_hpo"


@pytest.fixture(scope="session")
def tiny_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The synthetic HPO excerpt of the diagnosis tests (tests/diagnose/data/tiny_hpo):
    All > Phenotypic abnormality > nervous system (Seizure > Focal-onset / Generalized-onset
    seizure; Ataxia), skeletal system (Scoliosis, Short stature), eye (Cataract); Seizure has the
    alt id HP:0001275, HP:0000284 is obsolete, replaced by HP:0000478 (Abnormality of the eye)."""
    return load(TINY_HPO, cache_dir=tmp_path_factory.mktemp("corpus-tiny-cache"))
