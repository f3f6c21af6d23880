"""`rarecase serve` as a user starts it: a real uvicorn process on loopback."""

from __future__ import annotations

import pytest

from rarecase.service.launch import running_server

httpx = pytest.importorskip("httpx2")


def test_serve_answers_on_loopback_with_two_workers(request: pytest.FixtureRequest, hpo, tmp_path):
    cache = request.config.cache.mkdir("rarecase-kb")
    options = ["--workers", "2", "--max-body-mb", "0.01", "--db", str(tmp_path / "c.sqlite")]
    with running_server(options, tmp_path / "server.log", cli=["--cache-dir", str(cache)]) as base:
        answer = httpx.post(f"{base}/v1/analyze", json={"text": "She had ataxia.", "top": 0})
        assert answer.status_code == 200
        assert any(m["id"] == "HP:0001251" for m in answer.json()["mentions"])
        too_big = httpx.post(f"{base}/v1/analyze", json={"text": "ataxia " * 5000})
        assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"
