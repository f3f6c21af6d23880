"""Store fixtures: a SQLite file per test, and a real PostgreSQL server for the session.

The server is started from the Debian ``postgresql`` binaries (``initdb``/``pg_ctl`` under
/usr/lib/postgresql/*/bin or on PATH) into a temporary folder, listening on a Unix socket only,
and stopped at the end of the session. PostgreSQL refuses to run as root, so as root the server
runs as the ``postgres`` user. ``RARECASE_TEST_POSTGRES_URL`` points the tests at a server of
your own instead. Without binaries the PostgreSQL tests are skipped, unless
``RARECASE_REQUIRE_POSTGRES=1`` (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from rarecase.corpus.store import CaseStore
from rarecase.ontology import KnowledgeBase, load

# ------------------------------------------------------------------------- PostgreSQL server


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL (without database) of a running PostgreSQL server."""
    given = os.environ.get("RARECASE_TEST_POSTGRES_URL")
    if given:
        yield given.rstrip("/")
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        if os.environ.get("RARECASE_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) not found; install postgresql")
        pytest.skip("PostgreSQL binaries not found (install Debian's postgresql)")
    user: str | None = None
    # Not under pytest's basetemp: each pytest run makes that folder private again (0700),
    # which would lock a server running as another user out of its own data mid-run.
    root = Path(tempfile.mkdtemp(prefix="rarecase-pg-"))
    if os.geteuid() == 0:
        user = "postgres"
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data, sockets = root / "data", root / "socket"
    for folder in (data, sockets):
        folder.mkdir()
        if user:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
    superuser = user or pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run(
        _as_server_user(
            [initdb, "-D", str(data), "-U", superuser, "-A", "trust", "-E", "UTF8", "--no-sync"],
            user,
        ),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = f"-c listen_addresses='' -k {sockets} -p {port} -c fsync=off"
    subprocess.run(
        _as_server_user(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
            user,
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://{superuser}@/?host={sockets}&port={port}"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], user),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _with_database(server: str, name: str) -> str:
    head, _, query = server.partition("/?")
    if query:
        return f"{head}/{name}?{query}"
    return f"{server}/{name}"


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg

    name = f"rc_{uuid.uuid4().hex[:12]}"
    admin = _with_database(postgres_server, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(postgres_server, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------------- stores


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[CaseStore]:
    with CaseStore.open(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}") as opened:
        yield opened


# -- similar-case index and novelty ------------------------------------------------------------
TINY_HPO = Path(__file__).parent.parent / "diagnose" / "data" / "tiny_hpo"


@pytest.fixture(scope="session")
def tiny_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The synthetic HPO excerpt of the diagnosis tests (tests/diagnose/data/tiny_hpo):
    All > Phenotypic abnormality > nervous system (Seizure > Focal-onset / Generalized-onset
    seizure; Ataxia), skeletal system (Scoliosis, Short stature), eye (Cataract); Seizure has the
    alt id HP:0001275, HP:0000284 is obsolete, replaced by HP:0000478 (Abnormality of the eye)."""
    return load(TINY_HPO, cache_dir=tmp_path_factory.mktemp("corpus-tiny-cache"))
