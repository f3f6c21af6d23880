"""Age of onset and sex, as evidence for and against a diagnosis.

HPO annotates many diseases with their onset (Congenital onset, Infantile onset, Adult onset…).
A case's onset, an HPO onset term or an age, is placed in one of seven classes in the order of
life; a disease whose onset classes are far from the case's is less likely. Sex counts only
where it nearly decides: a girl or woman rarely has a disease inherited only X-linked
recessively.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.model import Sex, TimeElement

#: The onset classes in the order of life (HPO Onset subtree, HP:0003674).
ONSET_CLASSES: Final = (
    "HP:0030674",  # Antenatal onset
    "HP:0003577",  # Congenital onset
    "HP:0003623",  # Neonatal onset
    "HP:0003593",  # Infantile onset
    "HP:0011463",  # Childhood onset
    "HP:0003621",  # Juvenile onset
    "HP:0003581",  # Adult onset
)
ONSET_ROOT: Final = "HP:0003674"
X_LINKED_RECESSIVE: Final = "HP:0001419"
MODE_OF_INHERITANCE: Final = "HP:0000005"
#: How sharply a disease's onset predicts the case's: P(class) falls by exp(-this) per class of
#: distance from the disease's nearest annotated class (1-2 measured alike on the development
#: cases; 2 the better by 0.001).
ONSET_SHARPNESS: Final = 2.0
#: The share of that prediction; the rest is spread evenly (onset is misreported, and annotated
#: coarsely). 0.8 measured better than 0.5.
ONSET_FIT: Final = 0.8
#: LR of an X-linked recessive-only disease for a female case, and for a male one.
FEMALE_XLR_LR: Final = 0.1
MALE_XLR_LR: Final = 1.8

_ISO_AGE: Final = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?")


def onset_class_of_term(kb: KnowledgeBase, term: str) -> int | None:
    """The class of an HPO onset term (itself or an ancestor in ONSET_CLASSES), else None.

    >>> onset_class_of_term(kb, "HP:0003577")  # Congenital onset
    1
    """
    for k, name in enumerate(ONSET_CLASSES):
        if not kb.is_current(name):
            continue
        if term == name or (kb.is_current(term) and kb.is_ancestor(name, term)):
            return k
    return None


def onset_class_of_age(iso: str) -> int | None:
    """The class of an age at onset written as an ISO 8601 duration.

    >>> [onset_class_of_age(a) for a in ("P0D", "P2W", "P6M", "P3Y", "P12Y", "P30Y", "soon")]
    [1, 2, 3, 4, 5, 6, None]
    """
    found = _ISO_AGE.fullmatch(iso.strip())
    if found is None or not any(found.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in found.groups())
    total = years * 365 + months * 30 + weeks * 7 + days
    if total == 0:
        return 1  # at birth
    for limit, k in ((28, 2), (365, 3), (5 * 365, 4), (16 * 365, 5)):
        if total < limit:
            return k
    return 6


def onset_class(kb: KnowledgeBase, when: TimeElement | str | dict[str, object]) -> int | None:
    """The class of a phenopacket time element, an ISO age or an HPO onset term as written
    (``"P3Y"``, ``"HP:0003577"``), or a compact-case onset (``{"id": "HP:0003577", …}``,
    ``{"gestationalAge": …}``)."""
    if isinstance(when, str):
        text = when.strip().upper()
        if text.startswith("HP:"):
            return onset_class_of_term(kb, text)
        return onset_class_of_age(text)
    if isinstance(when, dict):
        if "gestationalAge" in when:
            return 0
        ident = when.get("id")
        return onset_class_of_term(kb, ident) if isinstance(ident, str) else None
    if when.gestational_age is not None:
        return 0
    if when.age is not None:
        return onset_class_of_age(when.age)
    if when.ontology_class is not None:
        return onset_class_of_term(kb, str(when.ontology_class.id))
    return None


def disease_onsets(kb: KnowledgeBase) -> np.ndarray:
    """Per disease and onset class, whether HPO annotates the disease with that onset."""
    found = np.zeros((kb.n_diseases, len(ONSET_CLASSES)), dtype=bool)
    if not kb.is_current(ONSET_ROOT):
        return found
    # the class of every term, -1 outside the classes (the deepest class wins: none nest)
    term_class = np.full(len(kb), -1, dtype=np.int64)
    for k, name in enumerate(ONSET_CLASSES):
        if kb.is_current(name):
            term_class[kb.descendants(name)] = k
    disease = np.asarray(kb.array("ann_disease"), dtype=np.int64)
    term = np.asarray(kb.array("ann_term"), dtype=np.int64)
    negated = np.asarray(kb.array("ann_negated"), dtype=bool)
    classes = term_class[term]
    keep = (classes >= 0) & ~negated
    found[disease[keep], classes[keep]] = True
    return found


def onset_log_lr(onsets: np.ndarray) -> np.ndarray:
    """log10 LR per disease (rows) for a case of each onset class (columns); 0 for a disease
    without an onset annotation."""
    n = len(ONSET_CLASSES)
    distance = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
    nearest = np.where(onsets[:, None, :], distance[None, :, :], 99).min(axis=2)
    p = np.exp(-ONSET_SHARPNESS * nearest)
    p = p / p.sum(axis=1, keepdims=True)
    p = ONSET_FIT * p + (1 - ONSET_FIT) / n
    annotated = np.asarray(onsets.any(axis=1), dtype=bool)
    background = p[annotated].mean(axis=0) if annotated.any() else np.full(n, 1 / n)
    return np.where(annotated[:, None], np.log10(p / background[None, :]), 0.0)


def x_linked_recessive_only(kb: KnowledgeBase) -> np.ndarray:
    """Per disease, whether its only annotated mode of inheritance is X-linked recessive."""
    if not kb.is_current(X_LINKED_RECESSIVE) or not kb.is_current(MODE_OF_INHERITANCE):
        return np.zeros(kb.n_diseases, dtype=bool)
    inheritance = np.zeros(len(kb), dtype=bool)
    inheritance[kb.descendants(MODE_OF_INHERITANCE)] = True
    disease = np.asarray(kb.array("ann_disease"), dtype=np.int64)
    term = np.asarray(kb.array("ann_term"), dtype=np.int64)
    rows = inheritance[term] & ~np.asarray(kb.array("ann_negated"), dtype=bool)
    xlr = term == kb.index(X_LINKED_RECESSIVE)
    has_xlr = np.zeros(kb.n_diseases, dtype=bool)
    has_other = np.zeros(kb.n_diseases, dtype=bool)
    has_xlr[disease[rows & xlr]] = True
    has_other[disease[rows & ~xlr]] = True
    return has_xlr & ~has_other


def x_linked_recessive_lr(sex: Sex) -> float | None:
    """The LR a patient's sex gives a disease inherited only X-linked recessively; None when
    the sex is unknown."""
    if sex is Sex.FEMALE:
        return FEMALE_XLR_LR
    if sex is Sex.MALE:
        return MALE_XLR_LR
    return None
