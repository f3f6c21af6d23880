"""The batch's output: three Parquet tables, one folder each, partitioned by input.

    OUT/documents/source=<key>/part-0.parquet   one row per record read (selected)
    OUT/mentions/source=<key>/part-0.parquet    one row per mention, with status and subject
    OUT/cases/source=<key>/part-0.parquet       one row per document with a patient finding

The ``source=<key>`` folders are Hive partitions: ``pyarrow.dataset``, DuckDB, Spark and pandas
read the folder as one table with a ``source`` column. A unit writes hidden temporary files
(ignored by those readers) and renames them into place only when the whole input has been
read, so a killed or retried task never leaves half a partition or duplicate rows, and a re-run
of one input replaces its partition and nothing else.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

#: Rows buffered per table before they are written as a row group: what bounds a worker's
#: memory whatever the size of its file (a case row carries its phenopacket, some kB).
ROW_GROUP: Final = {"documents": 10_000, "mentions": 10_000, "cases": 1_000}
TABLES: Final = ("documents", "mentions", "cases")
DATA_FILE: Final = "part-0.parquet"

_strings = pa.list_(pa.string())
SCHEMAS: Final[dict[str, pa.Schema]] = {
    "documents": pa.schema([
        ("doc_id", pa.string()),
        ("pmid", pa.string()),
        ("title", pa.string()),
        ("journal", pa.string()),
        ("year", pa.int32()),
        ("publication_types", _strings),
        ("case_report", pa.bool_()),
        ("format", pa.string()),
        ("path", pa.string()),
        ("characters", pa.int32()),
        ("mentions", pa.int32()),
    ]),
    "mentions": pa.schema([
        ("doc_id", pa.string()),
        ("pmid", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("kind", pa.string()),
        ("id", pa.string()),
        ("ids", _strings),
        ("label", pa.string()),
        ("status", pa.string()),
        ("subject", pa.string()),
        ("cue", pa.string()),
        ("nested", pa.bool_()),
        ("section", pa.string()),
    ]),
    "cases": pa.schema([
        ("doc_id", pa.string()),
        ("pmid", pa.string()),
        ("present", _strings),
        ("excluded", _strings),
        ("diseases", _strings),
        ("sex", pa.string()),
        ("age", pa.string()),
        ("phenopacket", pa.string()),
    ]),
}  # fmt: skip


def partition(out: Path, table: str, key: str) -> Path:
    return out / table / f"source={key}"


class PartitionWriter:
    """The three tables' rows of one unit, written in row groups to temporary files and put in
    place by :meth:`commit`; :meth:`abort` (or an exception inside ``with``) leaves the
    partition as it was before."""

    def __init__(self, out: Path, key: str) -> None:
        self.out = out
        self.key = key
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        token = uuid.uuid4().hex[:12]
        self._temporary = {t: partition(out, t, key) / f".{DATA_FILE}.{token}.tmp" for t in TABLES}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def add(self, table: str, row: dict[str, Any]) -> None:
        buffer = self.rows[table]
        buffer.append(row)
        self.counts[table] += 1
        if len(buffer) >= ROW_GROUP[table]:
            self._flush(table)

    def _flush(self, table: str) -> None:
        writer = self._writers.get(table)
        if writer is None:
            path = self._temporary[table]
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(path, SCHEMAS[table], compression="zstd")
            self._writers[table] = writer
        buffer = self.rows[table]
        if buffer:
            writer.write_table(pa.Table.from_pylist(buffer, schema=SCHEMAS[table]))
            buffer.clear()

    def commit(self) -> None:
        """Every table's file in place, replacing the partition's earlier ones."""
        for table in TABLES:
            self._flush(table)  # opens an empty file for a table without rows: it replaces
            self._writers.pop(table).close()
        for table in TABLES:
            folder = partition(self.out, table, self.key)
            for old in folder.iterdir():
                if not old.name.startswith(".") and old.name != DATA_FILE:
                    old.unlink()  # files of another writer version or by hand
            self._temporary[table].replace(folder / DATA_FILE)

    def abort(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        for path in self._temporary.values():
            path.unlink(missing_ok=True)

    def __enter__(self) -> PartitionWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.abort()


def remove_partition(out: Path, key: str) -> None:
    """The unit's rows gone from every table (its input failed this time)."""
    for table in TABLES:
        shutil.rmtree(partition(out, table, key), ignore_errors=True)


def remove_temporary(out: Path) -> int:
    """Temporary files left by killed tasks of an earlier run; the number removed."""
    removed = 0
    for table in TABLES:
        for path in (out / table).glob("source=*/.*.tmp"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def read_table(out: str | Path, table: str, keys: list[str] | None = None) -> pa.Table:
    """A table of the output, every partition (or those of ``keys``) with its ``source``."""
    import pyarrow.dataset as ds

    folder = Path(out) / table
    schema = SCHEMAS[table].append(pa.field("source", pa.string()))
    if not folder.is_dir():
        return schema.empty_table()
    dataset = ds.dataset(
        folder, format="parquet", schema=schema,
        partitioning=ds.partitioning(pa.schema([("source", pa.string())]), flavor="hive"),
    )  # fmt: skip
    if keys is None:
        return dataset.to_table()
    return dataset.to_table(filter=ds.field("source").isin(keys))
