"""Generated requests from the OpenAPI schema (schemathesis): no input gives a 5xx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from rarecase.service import ServiceConfig, create_app  # noqa: E402

# the knowledge-base cache the `hpo` fixture fills (pytest's cache folder)
CACHE = Path(__file__).parents[2] / ".pytest_cache" / "d" / "rarecase-kb"
STORE = Path(tempfile.mkdtemp(prefix="rarecase-fuzz-")) / "cases.sqlite"
app = create_app(ServiceConfig(cache_dir=CACHE, db=str(STORE), max_body_bytes=100_000))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def running(hpo) -> Iterator[None]:
    """The app's lifespan, kept running while schemathesis calls it."""
    with TestClient(app):
        yield


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
