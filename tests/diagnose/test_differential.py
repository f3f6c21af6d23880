import json

from rarecase.diagnose import LikelihoodRanker, query_from_ids


def test_json_shape_is_the_documented_one(profiles, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001250", "HP:0001251"], ["HP:0007359"])
    data = LikelihoodRanker(profiles).rank(q, top=2).to_json()
    json.dumps(data)  # plain JSON values only
    assert [d["rank"] for d in data] == [1, 2]
    for entry in data:
        assert list(entry) == [
            "rank",
            "id",
            "label",
            "score",
            "probability",
            "matched",
            "against",
            "missing",
        ]
        for match in entry["matched"] + entry["against"]:
            assert list(match) == ["case_term", "disease_term", "relation", "contribution"]
        for missing in entry["missing"]:
            assert list(missing) == ["disease_term", "frequency"]


def test_batch_line_has_no_reasons(profiles, tiny_kb):
    q = query_from_ids(tiny_kb, ["HP:0001251"], case_id="p7")
    line = LikelihoodRanker(profiles).rank(q, top=2, explain=False).to_line()
    assert line["id"] == "p7"
    assert [list(d) for d in line["differential"]] == [
        ["rank", "id", "label", "score", "probability"]
    ] * 2
