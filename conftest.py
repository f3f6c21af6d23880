"""Shared pytest set-up: doctests run against the small HPO excerpt in tests/data/mini_hpo."""

from __future__ import annotations

from pathlib import Path

import pytest

MINI_HPO = Path(__file__).parent / "tests" / "data" / "mini_hpo"


@pytest.fixture(scope="session")
def mini_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb-cache")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, object], mini_cache: Path) -> None:
    from rarecase.ontology import load

    doctest_namespace["MINI_HPO"] = MINI_HPO
    doctest_namespace["CACHE"] = mini_cache
    doctest_namespace["kb"] = load(MINI_HPO, cache_dir=mini_cache)

# Alembic's environment and revisions run only inside a migration, never on import.
collect_ignore_glob = ["src/rarecase/corpus/migrations/*"]
