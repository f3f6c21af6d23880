"""A stored case as plain values: what the store keeps, the similar-case index and the novelty
check read, and ingestion produces.

Terms are HPO ids as strings here, not knowledge-base indices: the store outlives an HPO release,
and a case written under one release is read under the next (the index maps ids to the current
release when it is built, and leaves out, counted, those the release does not know).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class NamedDisease:
    """A diagnosis of a stored case: its id (OMIM:…, ORPHA:…, MONDO:…) and label when known."""

    id: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One published (or user-added) case.

    ``present`` and ``excluded`` are HPO ids, without repeats, in the order of the source;
    ``pmid`` is ``PMID:<n>`` or empty; ``source`` says where the case came from (a file, a ZIP
    entry); ``raw`` keeps the record as read (phenopacket or compact JSON text), for ``corpus
    show``, and takes no part in comparisons.

    >>> a = CaseRecord("c1", "PMID:1", (NamedDisease("OMIM:100001"),), ("HP:0001250",))
    >>> b = CaseRecord("c1", "PMID:1", (NamedDisease("OMIM:100001"),), ("HP:0001250",), raw="{}")
    >>> a.content_hash() == b.content_hash()
    True
    """

    id: str
    pmid: str = ""
    diseases: tuple[NamedDisease, ...] = ()
    present: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    sex: str = ""
    source: str = field(default="", compare=False)
    raw: str = field(default="", compare=False, repr=False)

    def content_hash(self) -> str:
        """A digest of what the case says (not where it was read from): re-adding a case with the
        same digest changes nothing, a different one updates it."""
        payload = {
            "pmid": self.pmid,
            "diseases": [[d.id, d.label] for d in self.diseases],
            "present": list(self.present),
            "excluded": list(self.excluded),
            "sex": self.sex,
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def disease_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.diseases)


def normal_pmid(value: str) -> str:
    """A PMID as ``PMID:<n>`` (given bare or prefixed, any case), or empty.

    >>> normal_pmid("123"), normal_pmid("pmid:123"), normal_pmid(" ")
    ('PMID:123', 'PMID:123', '')
    """
    value = value.strip()
    if not value:
        return ""
    return f"PMID:{value[5:]}" if value.upper().startswith("PMID:") else f"PMID:{value}"
