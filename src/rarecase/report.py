"""Terminal rendering of an analysis: the text with its mentions marked, then the case."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from rarecase.corpus.similar import MatchKind, SharedFinding, SimilarCase
from rarecase.diagnose.differential import Differential
from rarecase.phenopacket.model import MedicalAction
from rarecase.pipeline import Analysis
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Mention, Status, Subject

#: Lines of the novelty statement shown by ``analyze`` (the first say the most).
NOVELTY_LINES = 4
# One style per (subject, status) reading; patient findings stand out, others recede.
STYLES: dict[str, str] = {
    "present": "bold green",
    "excluded": "bold red strike",
    "uncertain": "bold yellow",
    "family": "magenta",
    "other_patient": "blue",
    "generic": "cyan",
}
LEGEND = (
    ("present", "patient, present"),
    ("excluded", "patient, excluded"),
    ("uncertain", "patient, uncertain"),
    ("family", "family member"),
    ("other_patient", "another patient (cited case)"),
    ("generic", "about the disease in general"),
)


def style_key(mention: Mention) -> str:
    if mention.subject is not Subject.PATIENT:
        return mention.subject.value
    return mention.status.value


def highlighted(analysis: Analysis) -> Text:
    text = Text(analysis.document.text)
    for mention in analysis.mentions:
        if not mention.nested:
            style = STYLES[style_key(mention)]
            if mention.kind is Kind.DISEASE:
                style += " underline"
            text.stylize(style, mention.start, mention.end)
    return text


def render(analysis: Analysis, console: Console) -> None:
    doc = analysis.document
    heading = f"{doc.id}" + (f" · PMID {doc.pmid}" if doc.pmid else "") + f" · {doc.format.value}"
    console.print(Text(heading, style="bold"))
    if doc.removed:
        reasons: dict[str, int] = {}
        for removed in doc.removed:
            reasons[removed.reason] = reasons.get(removed.reason, 0) + 1
        summary = ", ".join(f"{reason} {count}" for reason, count in reasons.items())
        console.print(Text(f"removed from the page: {summary}", style="dim"))
    console.print()
    console.print(highlighted(analysis))
    console.print()
    legend = Text("legend: ")
    for key, words in LEGEND:
        legend.append(words, style=STYLES[key])
        legend.append("  ")
    legend.append("disease names underlined", style="underline")
    console.print(legend)
    console.print()
    case = analysis.case
    facts = analysis.patient
    stated = [
        f"{name} {fact.value.lower() if name == 'sex' else fact.value} (“{fact.text}”)"
        for name, fact in (
            ("age", facts.age),
            ("sex", facts.sex),
            ("onset", facts.onset),
            ("follow-up", facts.follow_up),
        )
        if fact is not None
    ]
    stated += [
        f"{o.kind.value.replace('_', ' ')}{f' at {o.time}' if o.time else ''} (“{o.text}”)"
        for o in facts.outcomes
    ]
    if stated:
        console.print(Text("Patient: " + "; ".join(stated), style="bold"))
    for title, features in (("present", case.observed), ("excluded", case.excluded)):
        console.print(Text(f"Patient: {title} ({len(features)})", style="bold"))
        for feature in features:
            console.print(
                Text.assemble("  ", (str(feature.term.id), "cyan"), "  ", feature.term.label)
            )
    if case.actions:
        console.print(Text(f"Patient: medical actions ({len(case.actions)})", style="bold"))
        for action in case.actions:
            if action.code is not None:
                console.print(
                    Text.assemble(
                        "  ",
                        (str(action.code.id), "cyan"),
                        "  ",
                        action.code.label,
                        (_action_details(action), "dim"),
                    )
                )
    if case.diseases:
        console.print(Text(f"Patient: diagnoses named ({len(case.diseases)})", style="bold"))
        for disease in case.diseases:
            mark = "not " if disease.excluded else ""
            console.print(
                Text.assemble("  ", (str(disease.term.id), "cyan"), f"  {mark}{disease.term.label}")
            )
    others = [
        m
        for m in analysis.mentions
        if not m.nested and (m.subject is not Subject.PATIENT or m.status is Status.UNCERTAIN)
    ]
    if others:
        console.print(Text(f"Not the patient's, or uncertain ({len(others)})", style="bold"))
        for m in others:
            why = f"  [{m.cue.text}]" if m.cue else ""
            console.print(
                Text.assemble(
                    "  ",
                    (f"{m.subject.value}/{m.status.value}", STYLES[style_key(m)]),
                    "  ",
                    (m.id, "cyan"),
                    f"  {m.label}  “{m.text}”",
                    (why, "dim"),
                )
            )
    if analysis.claims:
        console.print(Text(f"Cited claims ({len(analysis.claims)})", style="bold"))
        for claim in analysis.claims:
            figures = ", ".join(q.text for q in claim.quantities) or claim.causal
            refs = " ".join(m.text for m in claim.markers)
            about = " · ".join(x for x in (claim.outcome, claim.population) if x)
            console.print(
                Text.assemble("  ", (figures, "cyan"), f"  {about}" if about else "", f"  {refs}")
            )
    if analysis.changes:
        console.print(Text("Tidied: " + "; ".join(analysis.changes), style="dim"))
    if analysis.differential is not None:
        render_differential_summary(analysis.differential, console)
    if analysis.similar:
        render_similar_summary(analysis.similar, console)
    if analysis.novelty is not None:
        console.print(Text("Has it been reported? (rarecase novelty gives it all)", style="bold"))
        lines = analysis.novelty.to_text().splitlines()
        for line in lines[:NOVELTY_LINES]:
            console.print(f"  {line}")
        if len(lines) > NOVELTY_LINES:
            console.print(Text(f"  … {len(lines) - NOVELTY_LINES} more lines", style="dim"))


def shared_phrase(shared: SharedFinding, *, common: bool = True) -> str:
    """How a query finding was found in a stored case, in words; ``common`` names the ancestor
    two different terms share."""
    if shared.kind is MatchKind.EXACT:
        return shared.query.label
    if shared.kind is MatchKind.MORE_SPECIFIC:
        return f"{shared.query.label} (as {shared.stored.label})"
    both = f" (both {shared.common.label})" if common else ""
    return f"{shared.query.label} ~ {shared.stored.label}{both}"


def render_similar_summary(hits: Sequence[SimilarCase], console: Console) -> None:
    """The closest stored cases, a line each: publication, diagnosis, score, shared findings."""
    console.print(
        Text("Closest published cases (rarecase similar gives the reasons)", style="bold")
    )
    for rank, hit in enumerate(hits, 1):
        diagnosis = "; ".join(d.label or d.id for d in hit.diseases) or "no diagnosis"
        shared = ", ".join(shared_phrase(s, common=False) for s in hit.shared)
        against = ", ".join(c.present.label for c in hit.conflicts)
        console.print(
            Text.assemble(
                f"  {rank:>2}. ",
                (hit.pmid or hit.id, "cyan"),
                f"  {diagnosis}",
                (f"  similarity {hit.score:.2f}", "dim"),
            )
        )
        reasons = (f"shared: {shared}" if shared else "") + (
            f"; conflicting: {against}" if against else ""
        )
        if reasons:
            console.print(Text(f"      {reasons.lstrip('; ')}", style="dim"))


def render_differential_summary(differential: Differential, console: Console) -> None:
    """The ranked diseases, a line each, with the findings that speak for and against them."""
    console.print(
        Text(
            f"Differential diagnosis ({differential.model}, {differential.ranked} diseases; "
            "rarecase diagnose gives the full reasons)",
            style="bold",
        )
    )
    for d in differential.diseases:
        chance = "" if d.probability is None else f"  p={d.probability:.3g}"
        supporting = [m.case_label for m in d.matched if m.contribution > 0]
        against = [m.case_label for m in d.against]
        reasons = ("for: " + ", ".join(supporting)) if supporting else ""
        if against:
            reasons += ("; " if reasons else "") + "against: " + ", ".join(against)
        console.print(
            Text.assemble(
                f"  {d.rank:>2}. ",
                (d.id, "cyan"),
                f"  {d.label}",
                (chance, "dim"),
            )
        )
        if reasons:
            console.print(Text(f"      {reasons}", style="dim"))


def _action_details(action: MedicalAction) -> str:
    """Where, when and with what result, as far as the text said."""
    said = []
    if action.body_site is not None:
        said.append(f"on {action.body_site.label}")
    if action.performed is not None:
        said.append(f"at {action.performed.describe()}")
    if action.response is not None:
        said.append(action.response.label.lower())
    return f"  ({', '.join(said)})" if said else ""
