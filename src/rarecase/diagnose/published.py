"""Published cases as knowledge: what patients with each disease were reported to show and lack.

phenotype.hpoa says which features a disease has and, for some, how often. Published case
reports say more: which of those features real patients showed, which findings outside the
annotation they had, and which features clinicians looked for and recorded as absent (curators of
phenopacket-store mostly record as excluded the disease's typical features a patient lacks). A
ranker that knows these cases places a new patient beside the patients already published.

A bundled corpus, derived from phenopacket-store (BSD-3-Clause; Danis et al., HGG Advances 2025),
ships in ``rarecase/data/published_cases.jsonl.gz``. Evaluation must never rank a case against a
corpus holding its own publication: :meth:`PublishedCases.without_publications` removes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from rarecase.diagnose.cases import EvalCase, read_cases
from rarecase.ontology.knowledge import KnowledgeBase

BUNDLED = "published_cases.jsonl.gz"


@dataclass(frozen=True, eq=False)
class PublishedCases:
    """Cases with a diagnosis annotated in HPO, as disease and term indices, with their PMIDs."""

    diseases: tuple[tuple[int, ...], ...]
    present: tuple[np.ndarray, ...]
    excluded: tuple[np.ndarray, ...]
    pmids: tuple[str, ...]
    source: str = ""
    ids: tuple[str, ...] = ()  # the cases' own ids (phenopacket ids), when read from a file

    def __len__(self) -> int:
        return len(self.pmids)

    @classmethod
    def from_cases(
        cls, cases: Iterable[EvalCase], kb: KnowledgeBase, *, source: str = ""
    ) -> PublishedCases:
        """Keep the cases whose diagnosis HPO annotates; their diseases as indices."""
        index = {d.id: d.index for d in kb.diseases()}
        diseases, present, excluded, pmids, ids = [], [], [], [], []
        for case in cases:
            found = tuple(index[d] for d in case.diseases if d in index)
            if not found or len(case.query.present) + len(case.query.excluded) == 0:
                continue
            diseases.append(found)
            present.append(case.query.present)
            excluded.append(case.query.excluded)
            pmids.append(case.pmid)
            ids.append(case.query.id)
        return cls(
            tuple(diseases), tuple(present), tuple(excluded), tuple(pmids), source, tuple(ids)
        )

    def without_publications(self, pmids: Iterable[str]) -> PublishedCases:
        """The corpus minus every case from these publications."""
        left_out = set(pmids)
        keep = [i for i, pmid in enumerate(self.pmids) if pmid not in left_out]
        return self.subset(keep)

    def subset(self, keep: Sequence[int]) -> PublishedCases:
        return PublishedCases(
            tuple(self.diseases[i] for i in keep),
            tuple(self.present[i] for i in keep),
            tuple(self.excluded[i] for i in keep),
            tuple(self.pmids[i] for i in keep),
            self.source,
            tuple(self.ids[i] for i in keep) if self.ids else (),
        )


def read_published(kb: KnowledgeBase, path: str | Path | None = None) -> PublishedCases:
    """The published cases of ``path`` (compact or phenopacket JSON lines), or the bundled ones
    (read in about a second)."""
    if path is None:
        bundled = resources.files("rarecase").joinpath("data", BUNDLED)
        with resources.as_file(bundled) as file:
            return PublishedCases.from_cases(read_cases(file, kb), kb, source=BUNDLED)
    return PublishedCases.from_cases(read_cases(path, kb), kb, source=str(path))
