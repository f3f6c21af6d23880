"""Benchmark phenotype recognition: accuracy, throughput and memory, beside FastHPOCR.

Accuracy on the GSC+ development abstracts (mention and document level), on rarecase's own
development set (plus status and subject accuracy) and on the clinical negation sentences
(negation precision and recall); single-process throughput over the GSC+ abstracts with context
on; peak memory of a fresh process. FastHPOCR, when installed (outside this repository, see
--fasthpocr-python), runs in a child process on the same abstracts in the same run. Prints a
Markdown report for benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_recognition.py [--gsc FILE] [--seconds 10]
        [--fasthpocr-python PY] [--fasthpocr-index DIR] [--no-fasthpocr]

FastHPOCR lives in its own virtual environment, never in rarecase's. Its index is built once, with
its default index configuration, from the hp.obo that rarecase reads (print it with
`.venv/bin/python -c "import rarecase; print(rarecase.load().sources.obo)"`). The build is slow
(tens of minutes); the index then loads in about a second:

    python3 -m venv /work/fasthpocr/venv
    /work/fasthpocr/venv/bin/pip install fasthpocr==0.1.4 pronto
    mkdir -p /work/fasthpocr/index
    /work/fasthpocr/venv/bin/python -c "import sys; from FastHPOCR.IndexHPO import IndexHPO; \
IndexHPO(sys.argv[1], sys.argv[2]).index()" HP_OBO /work/fasthpocr/index

A one-line note `BUILT_FROM` in the index folder, if present, is printed with the results.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rarecase
from rarecase.errors import RarecaseError
from rarecase.ontology import KnowledgeBase
from rarecase.recognize.evaluate import Counts, GoldDocument, evaluate, read_gold
from rarecase.recognize.lexicon import Kind
from rarecase.text.document import Document, Format
from rarecase.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
GSC = ROOT.parent / "shared" / "data" / "text_corpora" / "gscplus_dev.tsv"
DEV = ROOT / "benchmarks" / "data" / "dev_cases.jsonl"
NEGATION = ROOT / "benchmarks" / "data" / "clinical_negation.jsonl"
NCBI = ROOT.parent / "shared" / "data" / "text_corpora" / "ncbi_disease_dev.tsv"
FULLTEXT = ROOT / "benchmarks" / "data" / "fulltext" / "gold.jsonl"
FASTHPOCR_PYTHON = Path("/work/fasthpocr/venv/bin/python")
FASTHPOCR_INDEX = Path("/work/fasthpocr/index")
PHENOTYPES = (Kind.PHENOTYPE,)

# Peak resident memory of the child itself. ru_maxrss survives execve on Linux, so a child
# started by this (large) parent would report the parent's peak; VmHWM belongs to the child's
# own address space. getrusage is the fallback where /proc is missing.
PEAK_RSS = textwrap.dedent(
    """
    def peak_rss_mb():
        import resource
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    """
)

# The round protocol both timing children speak, after each has loaded and warmed up: say it is
# ready, then answer each "round SECONDS" line by repeating ``one_pass`` (all the texts) until
# SECONDS have passed; return on "stop". Rounds alternate between the two children, driven by
# the parent, so that a change in the machine's load falls on both.
ROUNDS = textwrap.dedent(
    """
    def answer_rounds(one_pass):
        import json, sys, time
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if not line.startswith("round"):
                break
            seconds = float(line.split()[1])
            passes = 0
            started = time.perf_counter()
            while True:
                one_pass()
                passes += 1
                elapsed = time.perf_counter() - started
                if elapsed >= seconds:
                    break
            print(json.dumps({"passes": passes, "elapsed_s": elapsed}), flush=True)
    """
)

# Runs under FastHPOCR's own interpreter. Reads {"texts": [[id, text]...]} as one line from
# stdin; loads the index (timed apart), annotates every text with longestMatch False (the
# default) and True for accuracy (this is also the warm-up), answers the timed rounds with
# default annotation, and on "stop" prints its results.
FASTHPOCR_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from importlib.metadata import version
    from FastHPOCR.HPOAnnotator import HPOAnnotator
    job = json.loads(sys.stdin.readline())
    texts = [text for _, text in job["texts"]]
    started = time.perf_counter()
    annotator = HPOAnnotator(sys.argv[1])
    load_s = time.perf_counter() - started
    found = {}
    for mode, longest in (("default", False), ("longest", True)):
        found[mode] = [
            [[a.getStartOffset(), a.getEndOffset(), a.getHPOUri()]
             for a in annotator.annotate(text, longestMatch=longest)]
            for text in texts
        ]
    def one_pass():
        for text in texts:
            annotator.annotate(text)
    answer_rounds(one_pass)
    print(json.dumps({"version": version("fasthpocr"), "load_s": load_s, "found": found,
                      "max_rss_mb": peak_rss_mb()}), flush=True)
    """
)


# rarecase's side of the timed rounds, in a fresh process like FastHPOCR's: it loads (timed,
# imports included), reads and annotates every text once (the warm-up), answers the timed
# rounds, and on "stop" prints its load time and peak memory. Both tools are timed alike, in
# processes that do nothing else (the parent has run all the evaluations).
RARECASE_CHILD = textwrap.dedent(
    """
    import json, sys, time
    job = json.loads(sys.stdin.readline())
    started = time.perf_counter()
    import rarecase
    from rarecase.text import read_source
    recognizer = rarecase.Recognizer(rarecase.load())
    load_s = time.perf_counter() - started
    texts = job["texts"]
    def one_pass():
        for ident, text in texts:
            for document in read_source(text, name=ident + ".txt"):
                recognizer.annotate(document)
    one_pass()
    answer_rounds(one_pass)
    print(json.dumps({"load_s": load_s, "max_rss_mb": peak_rss_mb()}), flush=True)
    """
)


@dataclass(slots=True)
class Prf(Counts):
    """rarecase's own counts (precision, recall, F1), with what the report table needs."""

    def cell(self) -> str:
        return f"{self.precision:.3f} / {self.recall:.3f} / **{self.f1:.3f}**"

    def __add__(self, other: Prf) -> Prf:
        return Prf(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @classmethod
    def of(cls, predicted: set[Any], gold: set[Any]) -> Prf:
        return cls(len(predicted & gold), len(predicted - gold), len(gold - predicted))

    @classmethod
    def from_report(cls, block: Any) -> Prf:
        """From the ``mention`` / ``document`` block of an evaluate() report's JSON."""
        return cls(int(block["tp"]), int(block["fp"]), int(block["fn"]))


@dataclass(frozen=True, slots=True)
class FastResult:
    """What the FastHPOCR child reports."""

    version: str
    load_s: float
    found: dict[str, list[list[tuple[int, int, str]]]]  # mode -> per text -> (start, end, id)
    max_rss_mb: float


@dataclass(frozen=True, slots=True)
class Throughput:
    passes: int
    abstracts: int
    elapsed_s: float

    @property
    def per_second(self) -> float:
        return self.passes * self.abstracts / self.elapsed_s

    def cell(self) -> str:
        return f"{self.per_second:,.1f} /s ({self.passes} passes, {self.elapsed_s:.1f} s)"


def current(kb: KnowledgeBase, ident: str) -> str:
    """The current HPO id for an alt_id or replaced obsolete id; anything else unchanged."""
    if not ident.startswith("HP:"):
        return ident
    try:
        return str(kb.term_id(kb.resolve(ident)[0]))
    except RarecaseError:
        return ident


def score(
    kb: KnowledgeBase, gold: list[GoldDocument], found: list[list[tuple[int, int, str]]]
) -> tuple[Prf, Prf]:
    """Micro mention- and document-level P/R/F1 of (start, end, id) predictions per document."""
    mention = Prf(0, 0, 0)
    document = Prf(0, 0, 0)
    for doc, predicted_raw in zip(gold, found, strict=True):
        predicted = {(s, e, current(kb, i)) for s, e, i in predicted_raw}
        expected = {(g.start, g.end, current(kb, g.id)) for g in doc.mentions}
        mention += Prf.of(predicted, expected)
        document += Prf.of({x[2] for x in predicted}, {x[2] for x in expected})
    return mention, document


def negation(recognizer: rarecase.Recognizer, gold: list[GoldDocument]) -> tuple[Prf, Prf, int]:
    """ "excluded" as the positive class: over gold mentions found with the right span and id,
    and over all gold mentions (a missed mention counts as not negated). Also the number found."""
    kb = recognizer.kb
    found_tp = found_fp = found_fn = all_fn = matched = 0
    for doc in gold:
        document = Document(
            doc.id, doc.text, Format.TEXT, sentences=tuple(split_sentences(doc.text))
        )
        by_span = {
            (m.start, m.end, current(kb, m.id)): m.status.value
            for m in recognizer.annotate(document)
            if m.kind in PHENOTYPES and not m.nested
        }
        for g in doc.mentions:
            if g.kind != Kind.PHENOTYPE.value:
                continue
            wanted = g.status == "excluded"
            status = by_span.get((g.start, g.end, current(kb, g.id)))
            got = status == "excluded"
            if status is not None:
                matched += 1
                found_tp += wanted and got
                found_fp += got and not wanted
                found_fn += wanted and not got
            all_fn += wanted and not got
    return Prf(found_tp, found_fp, found_fn), Prf(found_tp, found_fp, all_fn), matched


class RoundChild:
    """A child process that times rounds on request (see RARECASE_CHILD, FASTHPOCR_CHILD)."""

    def __init__(self, command: list[str], texts: list[tuple[str, str]]) -> None:
        self.texts = len(texts)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.send(json.dumps({"texts": texts}))
        self.answer()  # ready: loaded and warmed up

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.process.wait()
            err = self.process.stderr.read() if self.process.stderr else ""
            tail = " ".join(err.strip().splitlines()[-3:])
            raise RuntimeError(f"its run failed (exit {self.process.returncode}): {tail}")
        return dict(json.loads(line))

    def round(self, seconds: float) -> Throughput:
        self.send(f"round {seconds}")
        data = self.answer()
        return Throughput(int(data["passes"]), self.texts, float(data["elapsed_s"]))

    def stop(self) -> dict[str, Any]:
        self.send("stop")
        data = self.answer()
        self.process.wait()
        return data

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@dataclass(slots=True)
class Rounds:
    """Alternating timed rounds of rarecase and FastHPOCR, and their totals."""

    ours: list[Throughput] = field(default_factory=list)
    theirs: list[Throughput] = field(default_factory=list)

    @staticmethod
    def total(rounds: list[Throughput]) -> Throughput:
        return Throughput(
            sum(r.passes for r in rounds), rounds[0].abstracts, sum(r.elapsed_s for r in rounds)
        )

    def ratios(self) -> list[float]:
        if not self.theirs:
            return []
        return sorted(
            a.per_second / b.per_second for a, b in zip(self.ours, self.theirs, strict=True)
        )


def timed_rounds(
    fasthpocr: tuple[Path, Path] | None, texts: list[tuple[str, str]], rounds: int, seconds: float
) -> tuple[FastResult | None, Rounds, dict[str, Any], str]:
    """Alternating timed rounds (rarecase, FastHPOCR, rarecase, ...), each tool in a fresh
    process of its own; rarecase's load time and peak memory; FastHPOCR's results, or None and
    why it was skipped (then the rounds are rarecase's alone). ``fasthpocr`` is its interpreter
    and index folder, None to skip it."""
    timed = Rounds()
    ours = RoundChild([sys.executable, "-c", PEAK_RSS + ROUNDS + RARECASE_CHILD], texts)
    theirs: RoundChild | None = None
    why = "--no-fasthpocr given"
    if fasthpocr is not None:
        python, index = fasthpocr
        index_file = index / "hp.index"
        why = ""
        if not python.exists():
            why = (
                f"no interpreter at {python} (install FastHPOCR there: see this script's docstring)"
            )
        elif not index_file.exists():
            why = f"no index at {index_file} (build it with FastHPOCR.IndexHPO first)"
        else:
            try:
                command = [str(python), "-c", PEAK_RSS + ROUNDS + FASTHPOCR_CHILD, str(index_file)]
                theirs = RoundChild(command, texts)
            except (RuntimeError, OSError, ValueError) as error:
                why = str(error)
    data: dict[str, Any] = {}
    try:
        for _ in range(rounds):
            timed.ours.append(ours.round(seconds))
            if theirs is not None:
                timed.theirs.append(theirs.round(seconds))
        if theirs is not None:
            data = theirs.stop()
    except (RuntimeError, OSError, ValueError) as error:
        if theirs is not None:
            theirs.kill()
        theirs, why, timed.theirs = None, str(error), []
        while len(timed.ours) < rounds:
            timed.ours.append(ours.round(seconds))
    our_data = ours.stop()
    if theirs is None:
        return None, timed, our_data, why
    found = {
        mode: [[(int(s), int(e), str(i)) for s, e, i in doc] for doc in docs]
        for mode, docs in data["found"].items()
    }
    return (
        FastResult(str(data["version"]), float(data["load_s"]), found, float(data["max_rss_mb"])),
        timed,
        our_data,
        "",
    )


def index_source(index: Path) -> str:
    """What the index was built from, when its builder left a note (``BUILT_FROM``) there."""
    note = index / "BUILT_FROM"
    if note.exists():
        return "built from " + note.read_text(encoding="utf-8").strip()
    return "no BUILT_FROM note, source unknown"


def met(value: float | None, ok: bool) -> str:
    if value is None:
        return "n/a"
    return "yes" if ok else "**no**"


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gib() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GiB"
    return "unknown memory"


def command() -> str:
    python = Path(sys.executable)
    shown = (
        str(python.relative_to(Path.cwd())) if python.is_relative_to(Path.cwd()) else str(python)
    )
    return shlex.join([shown, *sys.argv])


def rows(table: Iterable[tuple[str, str, str, str, str]]) -> None:
    print("| measure | rarecase | FastHPOCR | target | rarecase meets |")
    print("|---|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsc", type=Path, default=GSC, help="GSC+ dev TSV (default: %(default)s)")
    parser.add_argument("--dev", type=Path, default=DEV, help="rarecase dev set JSONL")
    parser.add_argument("--negation", type=Path, default=NEGATION, help="negation sentences JSONL")
    parser.add_argument(
        "--ncbi",
        type=Path,
        default=NCBI,
        help="NCBI Disease dev TSV (disease spans; skipped if absent)",
    )
    parser.add_argument(
        "--fulltext", type=Path, default=FULLTEXT, help="full-text articles gold JSONL"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="minimum timed seconds, each side"
    )
    parser.add_argument(
        "--rounds", type=int, default=10, help="alternating timed rounds (default: %(default)s)"
    )
    parser.add_argument("--fasthpocr-python", type=Path, default=FASTHPOCR_PYTHON)
    parser.add_argument("--fasthpocr-index", type=Path, default=FASTHPOCR_INDEX)
    parser.add_argument("--no-fasthpocr", action="store_true", help="skip FastHPOCR")
    args = parser.parse_args()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    started = time.perf_counter()
    kb = rarecase.load()
    recognizer = rarecase.Recognizer(kb)
    load_s = time.perf_counter() - started

    gsc = read_gold(args.gsc)
    gsc_report = evaluate(gsc, recognizer, kinds=PHENOTYPES).to_json()
    dev_report = evaluate(read_gold(args.dev), recognizer, kinds=PHENOTYPES).to_json()
    negation_gold = read_gold(args.negation)
    neg_report = evaluate(negation_gold, recognizer, kinds=PHENOTYPES).to_json()
    neg_found, neg_all, neg_matched = negation(recognizer, negation_gold)
    neg_gold_mentions = sum(
        g.kind == Kind.PHENOTYPE.value for d in negation_gold for g in d.mentions
    )

    full_report = evaluate(read_gold(args.fulltext), recognizer, kinds=PHENOTYPES).to_json()
    ncbi_spans = None
    if args.ncbi.exists():
        ncbi_gold = read_gold(args.ncbi)
        ncbi_report = evaluate(ncbi_gold, recognizer, kinds=(Kind.PHENOTYPE, Kind.DISEASE))
        ncbi_spans = (
            len(ncbi_gold),
            Prf.from_report(ncbi_report.to_json()["disease_mention_spans"]),
        )
    full_with = Prf.from_report(full_report["patient_present_document"])
    full_without = Prf.from_report(full_report["patient_present_document_without_context"])
    full_all_ids = Prf.from_report(full_report["patient_present_document_all_ids"])

    texts = [(doc.id, doc.text) for doc in gsc]
    fasthpocr = None if args.no_fasthpocr else (args.fasthpocr_python, args.fasthpocr_index)
    theirs, timed, our_child, why = timed_rounds(
        fasthpocr, texts, args.rounds, args.seconds / args.rounds
    )
    mb, fresh_load_s = float(our_child["max_rss_mb"]), float(our_child["load_s"])

    # -- report ---------------------------------------------------------------------------
    gsc_mention = Prf.from_report(gsc_report["mention"])
    gsc_document = Prf.from_report(gsc_report["document"])
    dev_mention = Prf.from_report(dev_report["mention"])
    dev_document = Prf.from_report(dev_report["document"])
    status_acc = dev_report["status_accuracy"]
    subject_acc = dev_report["subject_accuracy"]
    neg_status = neg_report["status_accuracy"]

    fast_mention = fast_document = fast_longest_mention = fast_longest_document = None
    fast_speed: Throughput | None = None
    our_speed = Rounds.total(timed.ours)
    ratios = timed.ratios()
    if theirs is not None:
        fast_mention, fast_document = score(kb, gsc, theirs.found["default"])
        fast_longest_mention, fast_longest_document = score(kb, gsc, theirs.found["longest"])
        fast_speed = Rounds.total(timed.theirs)
    # the median of the rounds' ratios: one busy moment on a shared machine moves it least
    ratio = ratios[len(ratios) // 2] if ratios else None

    skipped = f"skipped ({why})" if theirs is None else ""
    print(f"# Recognition benchmark (rarecase {rarecase.__version__}, HPO {kb.hpo_version})")
    print()
    print(f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- Command: `{command()}`")
    print(
        f"- Machine: {platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, {memory_gib()}; "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"1-min load average at start {load_before:.2f}"
    )
    print(
        f"- Data: GSC+ dev `{args.gsc.name}` ({len(gsc)} abstracts, "
        f"{sum(len(d.mentions) for d in gsc)} gold mentions); `{args.dev.name}` "
        f"({dev_report['documents']} abstracts); `{args.negation.name}` "
        f"({len(negation_gold)} sentences, {neg_gold_mentions} phenotype mentions)"
    )
    if theirs is not None:
        print(
            f"- FastHPOCR {theirs.version} (own interpreter `{args.fasthpocr_python}`; index "
            f"`{args.fasthpocr_index}`, {index_source(args.fasthpocr_index)}; rarecase reads "
            f"`{kb.sources.obo if kb.sources else '?'}`; `HPOAnnotator.annotate(text)`, "
            "longestMatch=False)"
        )
    else:
        print(f"- FastHPOCR: {skipped}")
    print()

    def fast(value: str | None) -> str:
        return value if value is not None else ("n/a" if theirs is not None else "skipped")

    def accuracy(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else "n/a"

    def at_least(value: object, target: float) -> str:
        return met(
            value if isinstance(value, float) else None,
            isinstance(value, float) and value >= target,
        )

    table = [
        (
            f"GSC+ dev mention P / R / F1 ({len(gsc)} abstracts)",
            gsc_mention.cell(),
            fast(fast_mention.cell() if fast_mention else None),
            "F1 >= 0.80",
            met(gsc_mention.f1, gsc_mention.f1 >= 0.80),
        ),
        (
            "GSC+ dev document P / R / F1",
            gsc_document.cell(),
            fast(fast_document.cell() if fast_document else None),
            "F1 >= 0.82",
            met(gsc_document.f1, gsc_document.f1 >= 0.82),
        ),
        ("dev set mention P / R / F1", dev_mention.cell(), "", "", ""),
        ("dev set document P / R / F1", dev_document.cell(), "", "", ""),
        (
            f"dev set status accuracy ({dev_report['status_subject_pairs']} mentions found)",
            accuracy(status_acc),
            "",
            ">= 0.95",
            at_least(status_acc, 0.95),
        ),
        (
            "dev set subject accuracy",
            accuracy(subject_acc),
            "",
            ">= 0.90",
            at_least(subject_acc, 0.90),
        ),
        (
            f"negation sentences status accuracy ({neg_matched} of {neg_gold_mentions} found)",
            accuracy(neg_status),
            "",
            ">= 0.95",
            at_least(neg_status, 0.95),
        ),
        (
            "negation P / R (excluded; mentions found with right span and id)",
            f"{neg_found.precision:.3f} / {neg_found.recall:.3f}",
            "",
            ">= 0.95 / >= 0.95",
            met(neg_found.precision, min(neg_found.precision, neg_found.recall) >= 0.95),
        ),
        (
            "negation P / R (excluded; all gold mentions, missed = not negated)",
            f"{neg_all.precision:.3f} / {neg_all.recall:.3f}",
            "",
            ">= 0.95 / >= 0.95",
            met(neg_all.precision, min(neg_all.precision, neg_all.recall) >= 0.95),
        ),
        *(
            [
                (
                    f"NCBI Disease dev ({ncbi_spans[0]} abstracts): disease mentions by exact "
                    "span, a phenotype or disease mention of rarecase counting",
                    ncbi_spans[1].cell(),
                    "",
                    "",
                    "",
                )
            ]
            if ncbi_spans
            else []
        ),
        (
            f"full text ({full_report['documents']} synthetic JATS case reports): the patient's "
            "present phenotypes per document (most specific ids, as in the phenopacket)",
            full_with.cell(),
            "",
            "F1 >= 0.55",
            met(full_with.f1, full_with.f1 >= 0.55),
        ),
        (
            "  the same, every phenotype found taken as the patient's (no context)",
            full_without.cell(),
            "",
            "",
            "",
        ),
        (
            "  the same with context, ancestors kept on both sides (not most specific ids)",
            full_all_ids.cell(),
            "",
            "",
            "",
        ),
        (
            "throughput, GSC+ abstracts, 1 process (after load)",
            our_speed.cell(),
            fast(fast_speed.cell() if fast_speed else None),
            "",
            "",
        ),
        (
            f"throughput ratio rarecase / FastHPOCR (median of {args.rounds} alternating rounds)",
            f"{ratio:.2f}x (rounds {ratios[0]:.2f} to {ratios[-1]:.2f})"
            if ratio is not None
            else "skipped",
            "",
            ">= 1.0",
            met(ratio, ratio is not None and ratio >= 1.0),
        ),
        (
            "peak resident memory, timing process (load + annotate)",
            f"{mb:.0f} MB",
            fast(f"{theirs.max_rss_mb:.0f} MB" if theirs else None),
            "< 500 MB",
            met(mb, mb < 500),
        ),
        (
            "load (kb + recognizer; FastHPOCR: index)",
            f"{load_s:.2f} s here, {fresh_load_s:.2f} s fresh",
            fast(f"{theirs.load_s:.2f} s" if theirs else None),
            "",
            "",
        ),
    ]
    rows(table)
    print()
    if fast_longest_mention and fast_longest_document:
        print(
            f"FastHPOCR with `longestMatch=True` (nested matches dropped): GSC+ mention "
            f"{fast_longest_mention.cell()}, document {fast_longest_document.cell()}."
        )
    elif theirs is None:
        print(f"FastHPOCR was {skipped}.")
    print()
    print(
        "Accuracy counts phenotype mentions of every status; rarecase's nested mentions are "
        "left out (as `rarecase eval recognition` does), FastHPOCR's kept (its default). Ids "
        "on all sides are mapped to current HPO terms (alt_id, replaced_by) before comparing. "
        "Status/subject accuracy is over mentions found with the right span and id. "
        "Throughput: rarecase reads each abstract as plain text (`read_source`) and annotates it "
        "with context; FastHPOCR annotates the same strings; each in a fresh process of its own "
        "that has loaded and made one untimed pass over the texts, and does nothing else. "
        f"The timing alternates: {args.rounds} rounds of at least {args.seconds / args.rounds:g} s "
        "each, rarecase then FastHPOCR, so that a change in the shared machine's load falls on "
        "both; the ratio is the median of the rounds' ratios. Peak memory is the maximum "
        "resident set size (VmHWM) of each tool's timing process, imports included, after the "
        "timed passes; rarecase's load time is that process's, imports included."
    )


if __name__ == "__main__":
    main()
