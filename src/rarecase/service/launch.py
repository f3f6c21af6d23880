"""Start `rarecase serve` in a child process and wait until it answers: for tests and
benchmarks that need the real server on loopback, and scripts that drive it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    options: Sequence[str], log: Path, *, cli: Sequence[str] = (), timeout_s: float = 120.0
) -> Iterator[str]:
    """The base URL of a `rarecase [cli...] serve [options...]` on a free loopback port,
    stopped on exit; its output goes to ``log``, shown if it fails to start."""
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "rarecase", *cli, "serve", "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while not _healthy(base):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"rarecase serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
