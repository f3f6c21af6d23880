"""`rarecase serve` as a user starts it: a real uvicorn process on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

httpx = pytest.importorskip("httpx2")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_on_loopback_with_two_workers(request: pytest.FixtureRequest, hpo, tmp_path):
    cache = request.config.cache.mkdir("rarecase-kb")
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "rarecase", "--cache-dir", str(cache), "serve",
         "--port", str(port), "--workers", "2", "--max-body-mb", "0.01"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.3)
        answer = httpx.post(f"{base}/v1/analyze", json={"text": "She had ataxia.", "top": 0})
        assert answer.status_code == 200
        assert any(m["id"] == "HP:0001251" for m in answer.json()["mentions"])
        too_big = httpx.post(f"{base}/v1/analyze", json={"text": "ataxia " * 5000})
        assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
