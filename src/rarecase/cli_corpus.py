"""``rarecase corpus …``, ``rarecase similar`` and ``rarecase novelty``: the case store and the
questions asked of it, thin over :mod:`rarecase.corpus`.

Registered on the main Typer app by :mod:`rarecase.cli` (imported at its end); shares its
settings, consoles and error handling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from rarecase.cli import Settings, _emit_json, _settings, app, err, out
from rarecase.corpus.ingest import add_bundled, add_sources
from rarecase.corpus.novelty import novelty as novelty_of
from rarecase.corpus.similar import ConflictSide, SimilarCase
from rarecase.corpus.store import DB_ENV, CaseStore, IngestReport
from rarecase.errors import InputError
from rarecase.phenopacket import Case, read_phenopacket
from rarecase.phenopacket.terms import split_marked
from rarecase.pipeline import analyze as analyze_source
from rarecase.report import shared_phrase

corpus_app = typer.Typer(
    help="The case store: published cases that similar-case search and the novelty check read.",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        show_envvar=True,
        help="The case store: a SQLite path or URL, or postgresql://user@host/db "
        "(default: cases.sqlite in the user data folder).",
    ),
]


class OutputFormat(StrEnum):
    """Text for people, JSON for programs (list, similar, novelty)."""

    TEXT = "text"
    JSON = "json"


class ShowFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    RAW = "raw"


def _print_report(report: IngestReport, what: str) -> None:
    style = "red" if report.rejected else "green"
    out.print(Text.assemble((what, "bold"), ": ", (report.summary(), style)))
    for rejection in report.rejected:
        err.print(Text(f"rarecase: rejected: {rejection.where}: {rejection.reason}", style="red"))
    for note in report.notes:
        err.print(f"rarecase: note: {note}")


def seeded_store(settings: Settings, db: str | None, *, seed: bool = True) -> CaseStore:
    """The store, given the bundled corpus if it is new (said on stderr)."""
    store, seeded = settings.store(db, seed=seed)
    if seeded is not None:
        err.print(
            f"rarecase: note: new store {store.url}: loaded the bundled corpus "
            f"({seeded.added} phenopacket-store cases)"
        )
    return store


# ------------------------------------------------------------------------------ corpus add
@corpus_app.command("add")
def corpus_add(
    ctx: typer.Context,
    sources: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Phenopacket JSON or JSON-lines files, a phenopacket-store release ZIP or "
            "folder, compact JSON lines, or text case reports (patient findings only)."
        ),
    ] = None,
    bundled: Annotated[
        bool,
        typer.Option(
            "--bundled",
            help="Add the bundled phenopacket-store cases (again, or to a store "
            "made with --no-bundled).",
        ),
    ] = False,
    db: DbOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing when any record is rejected.")
    ] = False,
    no_bundled: Annotated[
        bool,
        typer.Option("--no-bundled", help="Do not give a new store the bundled corpus first."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Add cases; re-adding an unchanged case changes nothing, a changed one is updated.

    One transaction for the whole batch. Exit status 1 when a record was rejected (each is
    named on stderr with its reason; the others are added unless --strict).
    """
    if not sources and not bundled:
        raise InputError("corpus add", "nothing to add", "give files or folders, or --bundled")
    settings = _settings(ctx)
    store = seeded_store(settings, db, seed=not no_bundled and not bundled)
    if bundled:
        report = add_bundled(store, settings.kb)
        _print_report(report, "bundled phenopacket-store cases")
        if not sources:
            return
    sources = sources or []
    report = add_sources(store, sources, settings.kb, strict=strict)
    if as_json:
        _emit_json({"store": store.url, **report.to_json()})
        for note in report.notes:
            err.print(f"rarecase: note: {note}")
    else:
        _print_report(report, ", ".join(str(s) for s in sources))
    if report.rejected:
        raise typer.Exit(1)


# ------------------------------------------------------------------------------ corpus list
@corpus_app.command("list")
def corpus_list(
    ctx: typer.Context,
    db: DbOption = None,
    pmid: Annotated[str | None, typer.Option("--pmid", help="Cases of this PMID.")] = None,
    disease: Annotated[
        str | None, typer.Option("--disease", help="Cases with this diagnosis (e.g. OMIM:154700).")
    ] = None,
    term: Annotated[
        str | None, typer.Option("--term", help="Cases with this HPO term recorded present.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Cases to list.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Cases to skip.")] = 0,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TEXT,
) -> None:
    """List stored cases in id order, optionally by PMID, diagnosis or term."""
    settings = _settings(ctx)
    store = seeded_store(settings, db)
    if term:
        index, _ = settings.kb.resolve(term, source="--term")
        term = str(settings.kb.term_id(index))
    found = store.select(pmid=pmid, disease=disease, term=term, limit=limit, offset=offset)
    if fmt is OutputFormat.JSON:
        _emit_json([record_json(settings, r, raw=False) for r in found])
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "pmid", "diagnosis", "present", "excluded"):
        table.add_column(column, justify="right" if column in ("present", "excluded") else "left")
    for record in found:
        table.add_row(
            record.id,
            record.pmid,
            "; ".join(f"{d.id} {d.label}".strip() for d in record.diseases),
            str(len(record.present)),
            str(len(record.excluded)),
        )
    out.print(table)
    total = store.count()
    err.print(f"{len(found)} shown (from {offset + 1}) of {total} stored cases")


# ------------------------------------------------------------------------------ corpus show
def record_json(settings: Settings, record: Any, *, raw: bool = True) -> dict[str, Any]:
    """A stored case as `corpus show --format json` (and the service) gives it."""
    kb = settings.kb

    def label(ident: str) -> str:
        try:
            return kb.label(kb.index(ident))
        except InputError:
            return ""

    data: dict[str, Any] = {
        "id": record.id,
        "pmid": record.pmid,
        "diseases": [{"id": d.id, "label": d.label} for d in record.diseases],
        "present": [{"id": t, "label": label(t)} for t in record.present],
        "excluded": [{"id": t, "label": label(t)} for t in record.excluded],
        "sex": record.sex,
        "source": record.source,
    }
    if raw and record.raw:
        data["record"] = json.loads(record.raw)
    return data


@corpus_app.command("show")
def corpus_show(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="A stored case's id.")],
    db: DbOption = None,
    fmt: Annotated[
        ShowFormat,
        typer.Option("--format", "-f", help="text, json, or raw (the record as it was read)."),
    ] = ShowFormat.TEXT,
) -> None:
    """One stored case: its publication, diagnosis, present and excluded findings."""
    settings = _settings(ctx)
    store = seeded_store(settings, db)
    record = store.get(case_id)
    if record is None:
        raise InputError(
            case_id, f"no such case in {store.url}", "see rarecase corpus list (--pmid, --disease)"
        )
    data = record_json(settings, record)
    if fmt is ShowFormat.RAW:
        _emit_json(data.get("record", {}))
        return
    if fmt is ShowFormat.JSON:
        _emit_json(data)
        return
    out.print(Text.assemble((record.id, "bold cyan"), f"  {record.pmid}"))
    for disease in data["diseases"]:
        out.print(Text.assemble("  diagnosis ", (disease["id"], "cyan"), f"  {disease['label']}"))
    if record.sex:
        out.print(f"  sex       {record.sex.lower()}")
    out.print(Text(f"  source    {record.source}", style="dim"))
    for title, key in (("present", "present"), ("excluded", "excluded")):
        out.print(Text(f"  {title} ({len(data[key])})", style="bold"))
        for t in data[key]:
            out.print(Text.assemble("    ", (t["id"], "cyan"), f"  {t['label']}"))


# ------------------------------------------------------------------------------ corpus stats
@corpus_app.command("stats")
def corpus_stats(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """How many cases, publications, diagnoses and terms the store holds, and from where."""
    settings = _settings(ctx)
    store = seeded_store(settings, db)
    stats = store.stats()
    if as_json:
        _emit_json({"store": store.url, **stats.to_json()})
        return
    out.print(Text(f"store {store.url}", style="bold"))
    out.print(
        f"  {stats.cases} cases from {stats.publications} publications, "
        f"{stats.diseases} diagnoses, {stats.terms} distinct HPO terms "
        f"({stats.present_terms} present and {stats.excluded_terms} excluded findings)"
    )
    if stats.sources:
        out.print(Text("  sources", style="bold"))
        for source, n in stats.sources:
            out.print(f"    {n:>7}  {source}")
    if stats.top_diseases:
        out.print(Text("  most cases", style="bold"))
        for ident, label, n in stats.top_diseases:
            out.print(Text.assemble(f"    {n:>7}  ", (ident, "cyan"), f"  {label}"))


# ------------------------------------------------------------------------------ corpus remove
@corpus_app.command("remove")
def corpus_remove(
    ctx: typer.Context,
    case_ids: Annotated[list[str] | None, typer.Argument(help="Ids of cases to remove.")] = None,
    db: DbOption = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Remove every case read from this file or release."),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Remove every case.")] = False,
) -> None:
    """Remove cases by id, by source, or all; the bundled corpus does not come back."""
    given = sum((bool(case_ids), source is not None, everything))
    if given != 1:
        raise InputError(
            "corpus remove",
            "give exactly one of: case ids, --source FILE, --all",
            "e.g. rarecase corpus remove PMID_1_case_1",
        )
    settings = _settings(ctx)
    store = seeded_store(settings, db)
    ids = list(case_ids or [])
    missing = [i for i in ids if store.get(i) is None] if ids else []
    removed = store.remove(ids, source=source, everything=everything)
    out.print(f"removed {removed} case(s) from {store.url}")
    if missing:
        err.print(Text(f"rarecase: error: no such case: {', '.join(missing)}", style="red"))
        raise typer.Exit(1)
    if source is not None and removed == 0:
        err.print(f"rarecase: note: no stored case came from {source} (see rarecase corpus stats)")
        raise typer.Exit(1)


# ------------------------------------------------------------------------------ similar, novelty
@dataclass(frozen=True, slots=True)
class CaseQuestion:
    """A case as the store is asked about it: its findings, and its own publication (left out
    of the answers, so a published case does not find itself)."""

    name: str
    present: tuple[str, ...]
    excluded: tuple[str, ...]
    diseases: tuple[str, ...]
    pmid: str = ""

    @classmethod
    def of_case(cls, name: str, case: Case, pmid: str) -> CaseQuestion:
        return cls(name, case.observed_ids, case.excluded_ids, case.diagnosis_ids, pmid)


def _question(
    settings: Settings,
    terms: list[str] | None,
    phenopacket: Path | None,
    text: Path | None,
    command: str,
) -> CaseQuestion:
    given = sum((bool(terms), phenopacket is not None, text is not None))
    if given != 1:
        raise InputError(
            command,
            "give exactly one of: HPO ids (and disease ids), --phenopacket FILE, --text FILE",
            f"e.g. rarecase {command} HP:0001083 HP:0002616 -HP:0001166",
        )
    kb = settings.kb
    if phenopacket is not None:
        case = read_phenopacket(phenopacket)
        return CaseQuestion.of_case(str(phenopacket), case, case.pmids[0] if case.pmids else "")
    if text is not None:
        analysis = analyze_source(text, recognizer=settings.recognizer)
        pmid = analysis.document.pmid
        return CaseQuestion.of_case(str(text), analysis.case, f"PMID:{pmid}" if pmid else "")
    observed, excluded = split_marked(terms or [])
    diseases = tuple(t for t in observed if not t.upper().startswith("HP:"))
    present = tuple(t for t in observed if t.upper().startswith("HP:"))
    for ident in (*present, *excluded):
        kb.resolve(ident, source=command)  # an unknown id is the user's mistake: say so now
    return CaseQuestion(command, present, tuple(excluded), diseases)


def _left_out(question: CaseQuestion, include_own: bool) -> tuple[str, ...]:
    if question.pmid and not include_own:
        err.print(
            f"rarecase: note: cases of {question.pmid} (the case's own publication) left out; "
            "--include-own keeps them"
        )
        return (question.pmid,)
    return ()


TermsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="HPO ids ('-' or 'not:' marks an excluded one) and, for novelty, disease ids "
        "(OMIM:…, ORPHA:…)."
    ),
]
PhenopacketOption = Annotated[
    Path | None, typer.Option("--phenopacket", help="The case as a phenopacket JSON file.")
]
TextOption = Annotated[
    Path | None,
    typer.Option("--text", help="The case as a case report (any format analyze reads)."),
]
IncludeOwnOption = Annotated[
    bool,
    typer.Option(
        "--include-own", help="Keep the cases of the case's own publication (PMID) in the answer."
    ),
]


@app.command(
    context_settings={"ignore_unknown_options": True},
    epilog="Examples: rarecase similar HP:0001083 HP:0002616 -HP:0001166 · "
    "rarecase similar --phenopacket case.json --top 5 --format json",
)
def similar(
    ctx: typer.Context,
    terms: TermsArgument = None,
    phenopacket: PhenopacketOption = None,
    text: TextOption = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=1000, help="Cases to list.")] = 10,
    db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TEXT,
    include_own: IncludeOwnOption = False,
) -> None:
    """The stored cases most similar to a case by phenotype, with what they share and what
    contradicts it (a finding one side records absent)."""
    settings = _settings(ctx)
    question = _question(settings, terms, phenopacket, text, "similar")
    if not question.present:
        raise InputError(question.name, "no present phenotype to compare", "give HPO ids")
    index = settings.case_index(seeded_store(settings, db))
    hits = index.search(
        question.present,
        question.excluded,
        top=top,
        exclude_pmids=_left_out(question, include_own),
    )
    if fmt is OutputFormat.JSON:
        _emit_json(
            {
                "query": {"present": list(question.present), "excluded": list(question.excluded)},
                "cases": len(index),
                "corpus": index.name,
                "similar": [h.to_json() for h in hits],
            }
        )
        return
    print_similar(hits, len(index), index.name)


def print_similar(hits: list[SimilarCase], n_cases: int, name: str) -> None:
    where = f" ({name})" if name else ""
    out.print(Text(f"Most similar of {n_cases:,} stored cases{where}", style="bold"))
    for rank, hit in enumerate(hits, 1):
        diagnosis = "; ".join(f"{d.label or d.id} ({d.id})" for d in hit.diseases) or "no diagnosis"
        out.print(
            Text.assemble(
                f"{rank:>3}. ",
                (hit.pmid or "no PMID", "bold cyan"),
                f"  {hit.id}  ",
                diagnosis,
                (f"  score {hit.score:.3f}", "dim"),
            )
        )
        shared = ", ".join(shared_phrase(s) for s in hit.shared)
        if shared:
            out.print(Text(f"       + {shared}", style="green"))
        for c in hit.conflicts:
            under = "" if c.present.id == c.excluded.id else f" (no {c.excluded.label})"
            if c.side is ConflictSide.STORED_EXCLUDES:
                said = f"{c.present.label}: recorded absent in this case{under}"
            else:
                said = f"{c.present.label}: this case has it, the query excludes it{under}"
            out.print(Text(f"       - {said}", style="red"))


@app.command(
    context_settings={"ignore_unknown_options": True},
    epilog="Examples: rarecase novelty HP:0001083 HP:0002616 -HP:0001166 · "
    "rarecase novelty OMIM:154700 HP:0003467 · rarecase novelty --text report.txt",
)
def novelty(
    ctx: typer.Context,
    terms: TermsArgument = None,
    phenopacket: PhenopacketOption = None,
    text: TextOption = None,
    db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TEXT,
    include_own: IncludeOwnOption = False,
    max_size: Annotated[
        int, typer.Option("--max-size", min=1, max=4, help="Largest combination searched.")
    ] = 3,
) -> None:
    """Has this combination of findings been reported? How many stored cases show all of the
    case's key findings, and which smallest combinations none or only one case shows."""
    settings = _settings(ctx)
    question = _question(settings, terms, phenopacket, text, "novelty")
    if not (question.present or question.excluded or question.diseases):
        raise InputError(question.name, "no finding to check", "give HPO or disease ids")
    index = settings.case_index(seeded_store(settings, db))
    report = novelty_of(
        index,
        question.present,
        question.excluded,
        question.diseases,
        max_size=max_size,
        exclude_pmids=_left_out(question, include_own),
    )
    if fmt is OutputFormat.JSON:
        _emit_json(report.to_json())
    else:
        out.print(report.to_text())
