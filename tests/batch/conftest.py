"""Synthetic MEDLINE files for the batch tests (written by rarecase.batch.synthetic from the
full HPO release), and the knowledge cache every worker process reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from rarecase.batch.synthetic import write_medline
from rarecase.ontology import KnowledgeBase


@pytest.fixture(scope="session")
def kb_cache(request: pytest.FixtureRequest, hpo: KnowledgeBase) -> str:
    """The compiled knowledge base's folder (compiled by ``hpo``), for worker processes."""
    return str(request.config.cache.mkdir("rarecase-kb"))


@pytest.fixture(scope="session")
def medline_master(hpo: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("medline")
    write_medline(hpo, folder, files=3, records=80, case_report_share=0.4, seed=7)
    return folder


@pytest.fixture
def medline(medline_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of three files of 80 citations each (about 40 % case reports)."""
    folder = tmp_path / "baseline"
    shutil.copytree(medline_master, folder)
    return folder
