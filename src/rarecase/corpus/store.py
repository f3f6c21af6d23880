"""The case store: cases kept in SQLite (a file in the user data folder, no server) or PostgreSQL
(a URL), written all-or-nothing, read back as :class:`CaseRecord` values.

Every write is one transaction: a batch either lands whole or leaves the store as it was, so an
interrupted ``corpus add`` never leaves half a release behind. Adding is idempotent: a case whose
content is unchanged is skipped, a changed one is replaced with its terms and diagnoses.

The schema is upgraded to the newest Alembic revision when a store is opened, so a store made by
an older rarecase keeps working; one made by a newer rarecase is refused, not guessed at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Final, TypeVar

import platformdirs
from filelock import FileLock, Timeout
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from rarecase.corpus.records import CaseRecord, NamedDisease, normal_pmid
from rarecase.corpus.schema import case_diseases, case_terms, cases, store_info
from rarecase.errors import InputError, RarecaseError

#: Environment variable naming the store's URL (what ``--db`` sets).
DB_ENV: Final = "RARECASE_DB"
#: Rows per INSERT statement batch (executemany); keeps memory flat on a million-case ingest.
CHUNK: Final = 2000
#: Largest limit or offset of a listing (SQL integers are 64-bit; found by schemathesis).
MAX_PAGE_BOUND: Final = 10**12
#: Seconds to wait for another process setting up the same store (schema, bundled corpus).
SETUP_WAIT_S: Final = 600.0
#: PostgreSQL advisory lock key held while a store is set up ("rare" in ASCII).
SETUP_LOCK_KEY: Final = 0x72617265

_T = TypeVar("_T")


class StoreError(RarecaseError):
    """The store cannot be opened or written (bad URL, server down, newer schema)."""

    exit_code = 3


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    SKIPPED = "skipped"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that was not stored, where it was read, and why."""

    where: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass(slots=True)
class IngestReport:
    """What one batch did: counts per outcome, each rejection's reason, notes on what was
    mapped or left out (alternative ids, ids unknown to the HPO release)."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = True

    @property
    def n_rejected(self) -> int:
        return len(self.rejected)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.n_rejected,
            "rejections": [r.to_json() for r in self.rejected],
            "notes": self.notes,
            "written": self.written,
        }

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.updated} updated, {self.skipped} unchanged, "
            f"{self.n_rejected} rejected"
        )
        return text if self.written else text + " (nothing written)"


@dataclass(frozen=True, slots=True)
class StoreStats:
    cases: int
    publications: int
    diseases: int
    terms: int
    present_terms: int
    excluded_terms: int
    top_diseases: tuple[tuple[str, str, int], ...]
    sources: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "publications": self.publications,
            "diseases": self.diseases,
            "distinct_terms": self.terms,
            "present_terms": self.present_terms,
            "excluded_terms": self.excluded_terms,
            "top_diseases": [
                {"id": d, "label": label, "cases": n} for d, label, n in self.top_diseases
            ],
            "sources": [{"source": s, "cases": n} for s, n in self.sources],
        }


def default_url() -> str:
    """``RARECASE_DB`` when set, else a SQLite file in the user data folder."""
    configured = os.environ.get(DB_ENV, "").strip()
    if configured:
        return configured
    folder = Path(platformdirs.user_data_dir("rarecase", appauthor=False))
    return f"sqlite:///{folder / 'cases.sqlite'}"


def _engine_url(url: str) -> str:
    """Plain ``postgresql://`` means psycopg 3 (the driver rarecase[postgres] installs); a bare
    path means a SQLite file."""
    if "://" not in url and ":/" not in url.split("/", 1)[0] + "/":
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(_engine_url(url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


class CaseStore:
    """Cases in a SQL database. Open with :meth:`open`; close (or use as a context manager).

    >>> with CaseStore.open("sqlite://") as store:  # in memory
    ...     report = store.add([CaseRecord("c1", "PMID:1", present=("HP:0001250",))])
    ...     report.added, store.count(), store.get("c1").present
    (1, 1, ('HP:0001250',))
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # ------------------------------------------------------------------ opening and closing
    @classmethod
    def open(cls, url: str | None = None) -> CaseStore:
        """Connect to ``url`` (default: :func:`default_url`) and bring its schema up to date."""
        url = url or default_url()
        shown = describe_url(url)
        target = _engine_url(url)
        try:
            parsed = make_url(target)
        except (ArgumentError, ValueError) as error:
            raise InputError(
                shown, "is not a database URL", "e.g. sqlite:///cases.sqlite or postgresql://…"
            ) from error
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(shown, f"cannot create {folder}: {error.strerror}") from error
        try:
            engine = create_engine(target)
        except (NoSuchModuleError, ModuleNotFoundError) as error:
            raise InputError(
                shown,
                f"needs a database driver that is not installed ({error})",
                "for PostgreSQL install rarecase[postgres]",
            ) from error
        except ArgumentError as error:
            raise InputError(shown, f"is not a usable database URL ({error})") from error
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine, shown)
        try:
            with store.setting_up():
                upgrade(engine, shown)
        except OperationalError as error:
            engine.dispose()
            raise StoreError(shown, f"cannot open the store: {_first_line(error)}") from error
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def setting_up(self) -> Iterator[None]:
        """Held while the schema is upgraded or the store seeded, so that processes opening a
        new store together (a service's workers) do it one after the other, not twice at once:
        a lock file beside a SQLite database, an advisory lock on PostgreSQL."""
        url = self.engine.url
        backend = url.get_backend_name()
        if backend == "sqlite" and url.database not in (None, "", ":memory:"):
            lock = FileLock(f"{Path(url.database).expanduser()}.lock", timeout=SETUP_WAIT_S)
            try:
                lock.acquire()
            except Timeout:
                raise StoreError(
                    self.url, f"another process has been setting it up for {SETUP_WAIT_S:g} s"
                ) from None
            try:
                yield
            finally:
                lock.release()
        elif backend == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})
                    conn.commit()
        else:
            yield

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ facts about the store
    def info(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(store_info.c.value).where(store_info.c.key == key))
            return value.scalar_one_or_none()

    @property
    def generation(self) -> int:
        """A number that changes with every write: an index built at generation *g* is current
        while the store still says *g*."""
        return int(self.info("generation") or 0)

    # ------------------------------------------------------------------ writing
    def add(
        self,
        records: Iterable[CaseRecord],
        *,
        rejected: Sequence[Rejection] = (),
        notes: Sequence[str] = (),
        strict: bool = False,
        mark: dict[str, str] | None = None,
    ) -> IngestReport:
        """Store ``records`` in one transaction; report what happened to each.

        ``rejected`` and ``notes`` are what the reader already refused or noted, carried into
        the report; with ``strict``, any rejection leaves the store untouched. A case id given
        twice in one batch with different content is rejected the second time (which one is
        right cannot be told). ``mark`` sets store facts in the same transaction.
        """
        report = IngestReport(rejected=list(rejected), notes=list(notes))
        batch: dict[str, CaseRecord] = {}
        hashes: dict[str, str] = {}
        for record in records:
            digest = record.content_hash()
            if record.id in batch:
                if hashes[record.id] != digest:
                    report.rejected.append(
                        Rejection(
                            record.source or record.id,
                            f"case id {record.id!r} is already used in this batch by "
                            f"{batch[record.id].source or 'another record'} with other content",
                        )
                    )
                else:
                    report.skipped += 1
                continue
            batch[record.id] = record
            hashes[record.id] = digest
        if strict and report.rejected:
            report.written = False
            return report
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                known = _existing_hashes(conn, list(batch))
                new = [r for i, r in batch.items() if i not in known]
                changed = [r for i, r in batch.items() if i in known and known[i] != hashes[i]]
                report.skipped += len(batch) - len(new) - len(changed)
                if changed:
                    ids = [r.id for r in changed]
                    for chunk in _chunks(ids):
                        conn.execute(delete(case_terms).where(case_terms.c.case_id.in_(chunk)))
                        conn.execute(
                            delete(case_diseases).where(case_diseases.c.case_id.in_(chunk))
                        )
                    for record in changed:
                        conn.execute(
                            update(cases)
                            .where(cases.c.id == record.id)
                            .values(_case_row(record, hashes[record.id], now, updating=True))
                        )
                for part in _chunks(new):
                    conn.execute(insert(cases), [_case_row(r, hashes[r.id], now) for r in part])
                _insert_children(conn, [*new, *changed])
                report.added, report.updated = len(new), len(changed)
                if new or changed or mark:
                    _bump_generation(conn)
                for key, value in (mark or {}).items():
                    _set_info(conn, key, value)
        except SQLAlchemyError as error:
            raise StoreError(self.url, f"nothing written: {_first_line(error)}") from error
        return report

    def remove(
        self, ids: Sequence[str] = (), *, source: str | None = None, everything: bool = False
    ) -> int:
        """Delete cases by id, every case read from ``source``, or all; the number deleted.

        Removing cases never brings the bundled corpus back: a store emptied stays empty.
        """
        condition: Any
        if everything:
            condition = None
        elif source is not None:
            condition = (cases.c.origin == source) | (cases.c.source == source)
        else:
            condition = cases.c.id.in_(list(ids))
        try:
            with self.engine.begin() as conn:
                query = select(cases.c.id)
                if condition is not None:
                    query = query.where(condition)
                doomed = list(conn.execute(query).scalars())
                for chunk in _chunks(doomed):
                    conn.execute(delete(case_terms).where(case_terms.c.case_id.in_(chunk)))
                    conn.execute(delete(case_diseases).where(case_diseases.c.case_id.in_(chunk)))
                    conn.execute(delete(cases).where(cases.c.id.in_(chunk)))
                if doomed:
                    _bump_generation(conn)
        except SQLAlchemyError as error:
            raise StoreError(self.url, f"nothing removed: {_first_line(error)}") from error
        return len(doomed)

    def set_info(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            _set_info(conn, key, value)

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(cases)).scalar_one())

    def get(self, case_id: str) -> CaseRecord | None:
        found = self.select(ids=[case_id])
        return found[0] if found else None

    def select(
        self,
        *,
        ids: Sequence[str] | None = None,
        pmid: str | None = None,
        disease: str | None = None,
        term: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[CaseRecord]:
        """Cases in id order, filtered by id, PMID, diagnosis id or HPO id (present)."""
        query = select(cases).order_by(cases.c.id)
        if ids is not None:
            query = query.where(cases.c.id.in_(list(ids)))
        if pmid:
            query = query.where(cases.c.pmid == normal_pmid(pmid))
        if disease:
            query = query.where(
                cases.c.id.in_(
                    select(case_diseases.c.case_id).where(case_diseases.c.disease_id == disease)
                )
            )
        if term:
            query = query.where(
                cases.c.id.in_(
                    select(case_terms.c.case_id).where(
                        case_terms.c.hpo_id == term, case_terms.c.excluded.is_(False)
                    )
                )
            )
        for name, value in (("limit", limit), ("offset", offset)):
            # SQL integers are 64-bit: a larger page bound is an input error, not a crash
            if value is not None and not 0 <= value <= MAX_PAGE_BOUND:
                raise InputError(name, f"{value} is outside 0-{MAX_PAGE_BOUND:,}")
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            wanted = [r["id"] for r in rows]
            terms, diseases = _children_of(conn, wanted if len(wanted) < 5000 else None)
        return [_record(row, terms, diseases) for row in rows]

    def records(self) -> list[CaseRecord]:
        """Every case (what the similar-case index is built from), without the raw JSON."""
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    select(cases.c.id, cases.c.pmid, cases.c.sex, cases.c.source).order_by(
                        cases.c.id
                    )
                ).mappings()
            )
            terms, diseases = _children_of(conn, None)
        return [_record(row, terms, diseases) for row in rows]

    def stats(self, *, top: int = 10) -> StoreStats:
        with self.engine.connect() as conn:
            n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
            publications = conn.execute(
                select(func.count(func.distinct(cases.c.pmid))).where(cases.c.pmid != "")
            ).scalar_one()
            n_diseases = conn.execute(
                select(func.count(func.distinct(case_diseases.c.disease_id)))
            ).scalar_one()
            n_terms = conn.execute(
                select(func.count(func.distinct(case_terms.c.hpo_id)))
            ).scalar_one()
            by_kind: dict[bool, int] = {
                bool(kind): int(n)
                for kind, n in conn.execute(
                    select(case_terms.c.excluded, func.count()).group_by(case_terms.c.excluded)
                )
            }
            n = func.count().label("n")
            top_rows = conn.execute(
                select(case_diseases.c.disease_id, func.max(case_diseases.c.label), n)
                .group_by(case_diseases.c.disease_id)
                .order_by(n.desc(), case_diseases.c.disease_id)
                .limit(top)
            ).all()
            source_rows = conn.execute(
                select(cases.c.origin, func.count())
                .group_by(cases.c.origin)
                .order_by(func.count().desc(), cases.c.origin)
                .limit(top)
            ).all()
        return StoreStats(
            int(n_cases),
            int(publications),
            int(n_diseases),
            int(n_terms),
            int(by_kind.get(False, 0)),
            int(by_kind.get(True, 0)),
            tuple((str(d), str(label or ""), int(k)) for d, label, k in top_rows),
            tuple((str(s), int(k)) for s, k in source_rows),
        )


# ---------------------------------------------------------------------- schema upgrades
def upgrade(engine: Engine, shown: str = "") -> None:
    """Bring the store's schema to the newest revision this rarecase knows (Alembic)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    with resources.as_file(resources.files("rarecase.corpus").joinpath("migrations")) as where:
        config.set_main_option("script_location", str(where))
        script = ScriptDirectory.from_config(config)
        head = script.get_current_head()
        with engine.begin() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return
            if current is not None and current not in {r.revision for r in script.walk_revisions()}:
                raise StoreError(
                    shown or str(engine.url),
                    f"the store's schema (revision {current}) is newer than this rarecase knows",
                    "upgrade rarecase",
                )
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


# ---------------------------------------------------------------------- helpers
def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def origin_of(source: str) -> str:
    """The file or release a record came in: its source without the ZIP entry, line or item.

    >>> origin_of("release.zip!0.1.24/FBN1/PMID_1_p1.json"), origin_of("cases.jsonl:12")
    ('release.zip', 'cases.jsonl')
    """
    source = source.split("!", 1)[0]
    source = re.sub(r"(\[\d+\]|#\d+)$", "", source)
    head, sep, tail = source.rpartition(":")
    return head if sep and head and tail.isdigit() else source


def _existing_hashes(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(cases.c.id, cases.c.content_hash).where(cases.c.id.in_(list(chunk)))
        )
        found.update((str(i), str(h)) for i, h in rows)
    return found


def _case_row(
    record: CaseRecord, digest: str, now: datetime, *, updating: bool = False
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "pmid": record.pmid,
        "sex": record.sex,
        "source": record.source,
        "origin": origin_of(record.source),
        "content_hash": digest,
        "raw": record.raw,
        "updated_at": now,
    }
    if not updating:
        row["id"] = record.id
        row["added_at"] = now
    return row


def _insert_children(conn: Connection, records: Sequence[CaseRecord]) -> None:
    term_rows: list[dict[str, Any]] = []
    disease_rows: list[dict[str, Any]] = []

    def flush() -> None:
        if term_rows:
            conn.execute(insert(case_terms), term_rows)
            term_rows.clear()
        if disease_rows:
            conn.execute(insert(case_diseases), disease_rows)
            disease_rows.clear()

    for record in records:
        for excluded, ids in ((False, record.present), (True, record.excluded)):
            term_rows.extend(
                {"case_id": record.id, "excluded": excluded, "position": n, "hpo_id": t}
                for n, t in enumerate(ids)
            )
        disease_rows.extend(
            {"case_id": record.id, "position": n, "disease_id": d.id, "label": d.label}
            for n, d in enumerate(record.diseases)
        )
        if len(term_rows) >= 10 * CHUNK:
            flush()
    flush()


def _bump_generation(conn: Connection) -> None:
    current = conn.execute(
        select(store_info.c.value).where(store_info.c.key == "generation")
    ).scalar_one_or_none()
    _set_info(conn, "generation", str(int(current or 0) + 1))


def _set_info(conn: Connection, key: str, value: str) -> None:
    done = conn.execute(update(store_info).where(store_info.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(store_info).values(key=key, value=value))


def _children_of(
    conn: Connection, ids: Sequence[str] | None
) -> tuple[dict[str, tuple[list[str], list[str]]], dict[str, list[NamedDisease]]]:
    """Terms and diagnoses per case id, for ``ids`` or for every case."""
    term_query = select(case_terms.c.case_id, case_terms.c.excluded, case_terms.c.hpo_id).order_by(
        case_terms.c.case_id, case_terms.c.excluded, case_terms.c.position
    )
    disease_query = select(
        case_diseases.c.case_id, case_diseases.c.disease_id, case_diseases.c.label
    ).order_by(case_diseases.c.case_id, case_diseases.c.position)
    if ids is not None:
        term_query = term_query.where(case_terms.c.case_id.in_(list(ids)))
        disease_query = disease_query.where(case_diseases.c.case_id.in_(list(ids)))
    terms: dict[str, tuple[list[str], list[str]]] = {}
    for case_id, excluded, hpo_id in conn.execute(term_query).all():
        entry = terms.setdefault(case_id, ([], []))
        entry[1 if excluded else 0].append(hpo_id)
    diseases: dict[str, list[NamedDisease]] = {}
    for case_id, disease_id, label in conn.execute(disease_query).all():
        diseases.setdefault(case_id, []).append(NamedDisease(disease_id, label or ""))
    return terms, diseases


def _record(
    row: Any,
    terms: dict[str, tuple[list[str], list[str]]],
    diseases: dict[str, list[NamedDisease]],
) -> CaseRecord:
    present, excluded = terms.get(row["id"], ([], []))
    return CaseRecord(
        row["id"],
        row["pmid"],
        tuple(diseases.get(row["id"], ())),
        tuple(present),
        tuple(excluded),
        row["sex"],
        source=row["source"],
        raw=row.get("raw", "") or "",
    )
