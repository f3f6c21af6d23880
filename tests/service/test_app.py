"""The REST API through Starlette's test client (the lifespan runs, as under uvicorn)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from rarecase.phenopacket import check_v2_schema
from rarecase.service import ServiceConfig, create_app
from rarecase.service.auth import Tokens

TOKEN = "test-token-" + "z" * 20
WRITER = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLE = Path(__file__).parents[2] / "examples" / "pasted_case_report.txt"
CASE = (
    "A 54-year-old woman presented with neck pain and atlantoaxial instability. "
    "She had no fever. Her mother had osteoporosis. The mass was resected."
)


@pytest.fixture(scope="module")
def store_db(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("store") / "cases.sqlite")  # seeded on first use


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest, hpo, store_db):
    cache = request.config.cache.mkdir("rarecase-kb")
    db = store_db
    app = create_app(
        ServiceConfig(cache_dir=cache, max_body_bytes=200_000, db=db, tokens=Tokens([TOKEN]))
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def error_of(response) -> tuple[str, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]["code"], body["error"]["message"]


def test_health_names_the_knowledge_it_answers_from(client, hpo):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["hpo"] == hpo.hpo_version


def test_analyze_gives_what_the_cli_gives(client):
    response = client.post("/v1/analyze", json={"text": CASE, "top": 3})
    assert response.status_code == 200
    data = response.json()
    present = {f["type"]["id"] for f in data["phenopacket"]["phenotypicFeatures"]
               if not f.get("excluded")}  # fmt: skip
    assert {"HP:0030833", "HP:0003467"} <= present  # neck pain, atlantoaxial instability
    family = [m for m in data["mentions"] if m["subject"] == "family"]
    assert family and family[0]["text"] == "osteoporosis"
    assert len(data["differential"]) == 3
    assert data["patient"]["age"]["value"] == "P54Y"
    check_v2_schema(data["phenopacket"])


def test_analyze_accepts_an_uploaded_file_of_any_format_the_readers_take(client):
    with EXAMPLE.open("rb") as handle:
        response = client.post(
            "/v1/analyze", files={"file": ("case.txt", handle, "text/plain")}, data={"top": "0"}
        )
    assert response.status_code == 200
    data = response.json()
    assert "differential" not in data
    assert any(m["id"] == "HP:0003467" for m in data["mentions"])


def test_annotate_lists_each_document_with_its_mentions(client):
    response = client.post("/v1/annotate", json={"text": "She had no seizures."})
    assert response.status_code == 200
    [document] = response.json()
    [seizure] = [m for m in document["mentions"] if m["id"] == "HP:0001250"]
    assert seizure["status"] == "excluded"


def test_diagnose_from_terms_and_from_a_phenopacket_agree(client):
    terms = {"present": ["HP:0001166", "HP:0001083"], "excluded": ["HP:0001250"], "top": 5}
    by_terms = client.post("/v1/diagnose", json=terms)
    assert by_terms.status_code == 200
    phenopacket = {
        "id": "p1",
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001166"}},
            {"type": {"id": "HP:0001083"}},
            {"type": {"id": "HP:0001250"}, "excluded": True},
        ],
        "metaData": {"phenopacketSchemaVersion": "2.0"},
    }
    by_packet = client.post("/v1/diagnose", json={"phenopacket": phenopacket, "top": 5})
    assert by_packet.status_code == 200
    ids = [d["id"] for d in by_terms.json()["diseases"]]
    assert ids == [d["id"] for d in by_packet.json()["diseases"]] and len(ids) == 5


def test_similar_cases_share_findings_with_the_query(client):
    query = {"present": ["HP:0001166", "HP:0001083"], "top": 3}  # arachnodactyly, ectopia lentis
    response = client.post("/v1/similar", json=query)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["cases"] > 1000 and len(data["similar"]) == 3
    assert all(hit["shared"] for hit in data["similar"])
    own = data["similar"][0]["pmid"]
    again = client.post("/v1/similar", json={**query, "exclude_pmids": [own]}).json()
    assert own not in {hit["pmid"] for hit in again["similar"]}


def test_novelty_counts_the_cases_that_show_all_key_findings(client):
    common = client.post("/v1/novelty", json={"present": ["HP:0001166", "HP:0001083"]})
    assert common.status_code == 200, common.text
    rare = client.post("/v1/novelty", json={"present": ["HP:0001166", "HP:0001083", "HP:0003467"]})
    assert rare.status_code == 200
    assert len(rare.json()["matching_cases"]) <= len(common.json()["matching_cases"])
    assert common.json()["matching_cases"]


def test_term_autocomplete_and_lookup(client):
    hits = client.get("/v1/terms", params={"q": "cervical instab", "limit": 3}).json()
    assert 1 <= len(hits) <= 3 and all("instability" in h["label"].lower() for h in hits)
    typo = client.get("/v1/terms", params={"q": "sezure", "limit": 1}).json()
    assert typo[0]["id"] == "HP:0001250"
    term = client.get("/v1/terms/HP:0001250").json()
    assert term["label"] == "Seizure" and term["parents"] and term["children"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        (
            "post",
            "/v1/analyze",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "invalid_json",
        ),
        ("post", "/v1/analyze", {"json": {"text": ""}}, 422, "invalid_request"),
        ("post", "/v1/analyze", {"json": {"text": "x", "colour": 1}}, 422, "invalid_request"),
        ("post", "/v1/analyze", {"json": {"text": "   "}}, 400, "input"),
        (
            "post",
            "/v1/analyze",
            {"content": b"x", "headers": {"content-type": "text/csv"}},
            415,
            "unsupported_media_type",
        ),
        ("post", "/v1/analyze", {"files": {"file": ("a.bin", b"\x00\x01\x02" * 50)}}, 400, None),
        ("post", "/v1/analyze", {"json": {"text": "x" * 300_000}}, 413, "too_large"),
        ("post", "/v1/diagnose", {"json": {"present": ["HP:9999999"]}}, 422, None),
        ("post", "/v1/diagnose", {"json": {"present": []}}, 422, "invalid_request"),
        ("post", "/v1/similar", {"json": {"present": ["HP:0000001x"]}}, 422, None),
        ("post", "/v1/similar", {"json": {"excluded": ["HP:0001250"]}}, 422, "invalid_request"),
        ("post", "/v1/novelty", {"json": {}}, 422, "invalid_request"),
        ("get", "/v1/terms/HP:9999999", {}, 404, "unknown_term"),
        ("get", "/v1/terms/seizure", {}, 422, "invalid_id"),
        ("get", "/v1/terms", {}, 422, "invalid_request"),
        ("get", "/v1/nothing", {}, 404, "not_found"),
    ],
)
def test_bad_input_gets_a_4xx_with_a_json_error(client, method, path, kwargs, status, code):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    found, message = error_of(response)
    assert message and (code is None or found == code)


def test_the_openapi_schema_lists_the_versioned_paths(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/analyze", "/v1/annotate", "/v1/diagnose", "/v1/terms", "/v1/terms/{term_id}",
            "/healthz"} <= set(paths)  # fmt: skip
    assert "multipart/form-data" in paths["/v1/analyze"]["post"]["requestBody"]["content"]


NEW_CASE = {
    "id": "service-test-1",
    "subject": {"id": "p1", "sex": "FEMALE"},
    "phenotypicFeatures": [{"type": {"id": "HP:0003467"}}, {"type": {"id": "HP:0003761"}}],
    "metaData": {
        "phenopacketSchemaVersion": "2.0",
        "externalReferences": [{"id": "PMID:99999991"}],
    },
}


def test_writing_to_the_store_needs_a_token_and_reads_are_open(client):
    assert client.post("/v1/cases", json=NEW_CASE).status_code == 401
    bad = client.post("/v1/cases", json=NEW_CASE, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and error_of(bad)[0] == "unauthorized"
    added = client.post("/v1/cases", json=NEW_CASE, headers=WRITER)
    assert added.status_code == 201, added.text
    shown = client.get("/v1/cases/service-test-1")
    assert shown.status_code == 200
    assert {t["id"] for t in shown.json()["present"]} == {"HP:0003467", "HP:0003761"}
    listed = client.get("/v1/cases", params={"pmid": "PMID:99999991"}).json()
    assert [c["id"] for c in listed["cases"]] == ["service-test-1"] and listed["total"] > 1000
    # the similar-case index sees the new case
    hits = client.post("/v1/similar", json={"present": ["HP:0003467", "HP:0003761"], "top": 1})
    assert hits.json()["similar"][0]["id"] == "service-test-1"
    assert client.delete("/v1/cases/service-test-1").status_code == 401
    assert client.delete("/v1/cases/service-test-1", headers=WRITER).json() == {"removed": 1}
    assert client.get("/v1/cases/service-test-1").status_code == 404
    assert client.delete("/v1/cases/service-test-1", headers=WRITER).status_code == 404


def test_a_rejected_case_writes_nothing(client):
    broken = [NEW_CASE, {"id": "x", "phenotypicFeatures": [{"type": {"id": "HP:9999999"}}]}]
    response = client.post("/v1/cases", json=broken, headers=WRITER)
    assert response.status_code == 422 and "nothing was written" in error_of(response)[1]
    assert client.get("/v1/cases/service-test-1").status_code == 404
    garbage = client.post("/v1/cases", content=b"{oops", headers=WRITER)
    assert garbage.status_code == 422


def test_without_tokens_the_store_is_read_only_and_reads_can_be_closed(
    request: pytest.FixtureRequest, tmp_path
):
    cache = request.config.cache.mkdir("rarecase-kb")
    db = str(tmp_path / "cases.sqlite")
    with TestClient(create_app(ServiceConfig(cache_dir=cache, db=db))) as open_client:
        refused = open_client.post("/v1/cases", json=NEW_CASE, headers=WRITER)
        assert refused.status_code == 403 and error_of(refused)[0] == "forbidden"
    closed = ServiceConfig(cache_dir=cache, db=db, tokens=Tokens([TOKEN]), open_reads=False)
    with TestClient(create_app(closed)) as closed_client:
        assert closed_client.get("/v1/cases").status_code == 401
        assert closed_client.get("/v1/cases", headers=WRITER).status_code == 200


def test_an_offset_past_what_a_database_can_hold_is_refused(client):
    response = client.get("/v1/cases", params={"offset": 2**63})
    assert response.status_code == 422 and error_of(response)[0] == "invalid_request"


def test_analyze_json_is_the_cli_json_with_similar_cases_and_novelty(
    client, store_db, request, tmp_path, capsys
):
    from rarecase.cli import run

    path = tmp_path / "case.txt"
    path.write_text(EXAMPLE.read_text())
    with path.open("rb") as handle:
        response = client.post(
            "/v1/analyze",
            files={"file": ("case.txt", handle, "text/plain")},
            data={"top": "3", "similar": "4"},
        )
    assert response.status_code == 200
    served = response.json()
    cache = request.config.cache.mkdir("rarecase-kb")
    code = run(["--cache-dir", str(cache), "analyze", "--format", "json", "--top", "3",
                "--similar", "4", "--db", store_db, str(path)])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    for side in (served, printed):  # the time each was made
        side["phenopacket"]["metaData"].pop("created")
    assert served == printed
    assert len(served["similar"]) == 4 and served["novelty"]["key_findings"]


def test_uploaded_files_fields_are_checked_like_json_ones(client):
    for fields, problem in (({"top": "many"}, "top"), ({"similar": "-1"}, "similar"),
                            ({"colour": "red"}, "colour")):  # fmt: skip
        response = client.post(
            "/v1/analyze", files={"file": ("case.txt", CASE.encode())}, data=fields
        )
        assert response.status_code == 422
        code, message = error_of(response)
        assert code == "invalid_request" and problem in message
    response = client.post(
        "/v1/analyze", files={"file": ("case.txt", CASE.encode())}, data={"similar": "0"}
    )
    assert response.status_code == 200
    assert "similar" not in response.json() and "novelty" not in response.json()
