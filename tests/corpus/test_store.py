"""The case store on SQLite and on a real PostgreSQL server: round trips, idempotent adds,
all-or-nothing writes, removal, statistics, and the schema its migrations build."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from rarecase.corpus.records import CaseRecord, NamedDisease
from rarecase.corpus.schema import metadata
from rarecase.corpus.store import CaseStore, StoreError, default_url, origin_of
from rarecase.errors import InputError

MARFAN = NamedDisease("OMIM:154700", "Marfan syndrome")


def case(ident: str, *present: str, excluded: tuple[str, ...] = (), pmid: str = "PMID:1",
         source: str = "test.jsonl:1") -> CaseRecord:
    return CaseRecord(ident, pmid, (MARFAN,), present, excluded, "FEMALE", source=source,
                      raw=f'{{"id": "{ident}"}}')


def test_round_trip_keeps_order_terms_and_diseases(store: CaseStore):
    record = case("c1", "HP:0001083", "HP:0002616", "HP:0001166", excluded=("HP:0000545",))
    report = store.add([record])
    assert (report.added, report.updated, report.skipped, report.n_rejected) == (1, 0, 0, 0)
    back = store.get("c1")
    assert back == record
    assert back.present == ("HP:0001083", "HP:0002616", "HP:0001166")  # source order kept
    assert back.raw == '{"id": "c1"}'
    assert back.source == "test.jsonl:1"
    assert store.get("nope") is None


def test_adding_again_is_idempotent_and_a_change_updates(store: CaseStore):
    store.add([case("c1", "HP:0001083"), case("c2", "HP:0002616")])
    generation = store.generation
    again = store.add([case("c1", "HP:0001083"), case("c2", "HP:0002616")])
    assert (again.added, again.updated, again.skipped) == (0, 0, 2)
    assert store.generation == generation  # nothing written, nothing to invalidate
    changed = store.add([case("c1", "HP:0001083", "HP:0001166"), case("c3", "HP:0000545")])
    assert (changed.added, changed.updated, changed.skipped) == (1, 1, 0)
    assert store.get("c1").present == ("HP:0001083", "HP:0001166")
    assert store.count() == 3
    assert store.generation > generation
    # the old term rows went with the old version: one row per term, not two
    assert store.select(term="HP:0001083") == [store.get("c1")]


def test_the_same_id_twice_in_a_batch_with_other_content_is_rejected(store: CaseStore):
    report = store.add([case("c1", "HP:0001083", source="a:1"), case("c1", "HP:0002616",
                                                                       source="b:7")])
    assert report.added == 1
    [rejection] = report.rejected
    assert rejection.where == "b:7" and "already used in this batch" in rejection.reason
    assert store.get("c1").present == ("HP:0001083",)


def test_strict_batch_with_a_rejection_writes_nothing(store: CaseStore):
    from rarecase.corpus.store import Rejection

    report = store.add(
        [case("c1", "HP:0001083")], rejected=[Rejection("bad.json", "broken")], strict=True
    )
    assert not report.written and report.added == 0
    assert store.count() == 0


def test_a_failing_batch_leaves_the_store_as_it_was(store: CaseStore):
    store.add([case("c1", "HP:0001083")])
    too_long = "x" * 300  # the id column holds 255 characters: PostgreSQL refuses the row
    good = [case(f"n{i}", "HP:0002616") for i in range(50)]
    bad = case("c1", "HP:0000545", pmid="PMID:" + too_long)  # an update whose row fails
    try:
        store.add([*good, bad])
    except StoreError as error:
        assert "nothing written" in str(error)
        assert store.count() == 1
        assert store.get("c1").present == ("HP:0001083",)
    else:  # SQLite does not enforce VARCHAR lengths: then the batch landed whole
        assert store.count() == 51


def test_select_filters_and_pages(store: CaseStore):
    store.add(
        [
            case("a", "HP:0001083", pmid="PMID:10"),
            case("b", "HP:0002616", pmid="PMID:10"),
            CaseRecord("c", "PMID:11", (NamedDisease("OMIM:101600"),), ("HP:0001083",)),
        ]
    )
    assert [r.id for r in store.select(pmid="10")] == ["a", "b"]
    assert [r.id for r in store.select(disease="OMIM:101600")] == ["c"]
    assert [r.id for r in store.select(term="HP:0001083")] == ["a", "c"]
    assert [r.id for r in store.select(limit=2, offset=1)] == ["b", "c"]
    assert [r.id for r in store.records()] == ["a", "b", "c"]
    assert store.records()[0].raw == ""  # the index does not need it


def test_remove_by_id_source_and_all(store: CaseStore):
    store.add([case("a", "HP:0001083", source="one.zip!x/a.json"),
               case("b", "HP:0002616", source="one.zip!x/b.json"),
               case("c", "HP:0000545", source="two.jsonl:3")])
    assert store.remove(["a", "zzz"]) == 1
    assert store.remove(source="one.zip") == 1
    assert [r.id for r in store.records()] == ["c"]
    assert store.remove(everything=True) == 1
    assert store.count() == 0
    # children went too
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from case_terms")).scalar_one() == 0


def test_stats_count_publications_diseases_and_origins(store: CaseStore):
    store.add([case("a", "HP:0001083", excluded=("HP:0000545",), pmid="PMID:10",
                    source="r.zip!a.json"),
               case("b", "HP:0002616", "HP:0001083", pmid="PMID:11", source="r.zip!b.json"),
               CaseRecord("c", "", (NamedDisease("OMIM:101600", "Pfeiffer"),), ("HP:0001083",),
                          source="mine.jsonl:1")])
    stats = store.stats()
    assert (stats.cases, stats.publications, stats.diseases, stats.terms) == (3, 2, 2, 3)
    assert (stats.present_terms, stats.excluded_terms) == (4, 1)
    assert stats.top_diseases[0] == ("OMIM:154700", "Marfan syndrome", 2)
    assert dict(stats.sources) == {"r.zip": 2, "mine.jsonl": 1}


def test_migrations_build_exactly_the_declared_schema(store_url: str):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    CaseStore.open(store_url).close()
    from rarecase.corpus.store import _engine_url

    engine = create_engine(_engine_url(store_url))
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert differences == []
    assert {"cases", "case_terms", "case_diseases", "store_info", "alembic_version"} <= tables


def test_reopening_keeps_cases_and_a_newer_schema_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with CaseStore.open(url) as store:
        store.add([case("a", "HP:0001083")])
    with CaseStore.open(url) as store:
        assert store.count() == 1
        with store.engine.begin() as conn:
            conn.execute(text("update alembic_version set version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this rarecase knows"):
        CaseStore.open(url)


def test_bad_urls_get_one_line_errors(tmp_path: Path):
    for url in ("sqlite:/x", "postgresql://u@h:notaport/db"):
        with pytest.raises(InputError, match="not a database URL"):
            CaseStore.open(url)
    with pytest.raises(InputError, match="driver"):
        CaseStore.open("mysql+nosuchdriver://u@h/db")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        CaseStore.open(f"sqlite:///{blocker / 'sub' / 'cases.sqlite'}")


def test_unreachable_postgres_is_a_store_error():
    with pytest.raises(StoreError, match="cannot open the store"):
        CaseStore.open("postgresql://nobody@/x?host=/nonexistent-socket-dir&connect_timeout=1")


def test_default_url_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("RARECASE_DB", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert default_url() == f"sqlite:///{tmp_path / 'x.sqlite'}"
    monkeypatch.delenv("RARECASE_DB")
    assert default_url().startswith("sqlite:///") and default_url().endswith("cases.sqlite")


def test_a_bare_path_is_a_sqlite_file(tmp_path: Path):
    with CaseStore.open(str(tmp_path / "bare.sqlite")) as store:
        store.add([case("a", "HP:0001083")])
    assert (tmp_path / "bare.sqlite").is_file()


@pytest.mark.parametrize(
    ("source", "origin"),
    [
        ("release.zip!0.1/FBN1/PMID_1.json", "release.zip"),
        ("cases.jsonl:12", "cases.jsonl"),
        ("cases.json[3]", "cases.json"),
        ("report.txt#2", "report.txt"),
        ("report.txt", "report.txt"),
        ("bundled:published_cases.jsonl.gz:7", "bundled:published_cases.jsonl.gz"),
    ],
)
def test_origin_of(source: str, origin: str):
    assert origin_of(source) == origin


def test_a_page_bound_past_a_database_integer_is_an_input_error(store: CaseStore):
    with pytest.raises(InputError, match="offset"):
        store.select(offset=2**63)
    with pytest.raises(InputError, match="limit"):
        store.select(limit=-1)
    assert store.select(offset=10**12) == []
