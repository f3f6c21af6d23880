"""The one exception tree of rarecase.

Every error a user can cause or meet is one of these, so the CLI maps them to exit codes in one
place (:data:`EXIT_CODES` via :attr:`RarecaseError.exit_code`) and the service to HTTP statuses in
one place. A message is always one line: the input it concerns, the problem, and the fix.

    RarecaseError
    ├── InputError (ValueError)              exit 2: the user's input is wrong
    │   ├── UnsupportedFormatError           a file we cannot read as what it claims to be
    │   ├── InvalidPhenopacketError          JSON that is not a valid GA4GH phenopacket
    │   └── UnknownTermError (LookupError)   an id that is not a current HPO term
    │       └── ObsoleteTermError            an id that was retired, with its replacement
    └── KnowledgeError                       exit 3: the ontology or its cache is unusable
        └── OntologyFileError                an unreadable or corrupt hp.obo / phenotype.hpoa
"""

from __future__ import annotations


class RarecaseError(Exception):
    """Base of every error rarecase raises on purpose."""

    exit_code: int = 1

    def __init__(self, source: str, problem: str, fix: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """``source: problem; fix`` on one line, as shown to the user."""
        text = f"{self.source}: {self.problem}" if self.source else self.problem
        if self.fix:
            text += f"; {self.fix}"
        return " ".join(text.split())

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (Dask workers, process pools); the default pickling
        # would call __init__ with the message alone and fail.
        return _rebuilt, (type(self), dict(self.__dict__))


def _rebuilt(kind: type[RarecaseError], state: dict[str, object]) -> RarecaseError:
    error = kind.__new__(kind)
    error.__dict__.update(state)
    Exception.__init__(error, error.message)
    return error


class InputError(RarecaseError, ValueError):
    """Something the user gave us (a file, an id, an option) is wrong."""

    exit_code = 2


class UnsupportedFormatError(InputError):
    """A file is not in a format we read (binary, wrong encoding, broken JSON)."""


class InvalidPhenopacketError(InputError):
    """A JSON document that does not follow the GA4GH Phenopacket schema."""


class UnknownTermError(InputError, LookupError):
    """An identifier that names no current HPO term."""

    def __init__(
        self, source: str, problem: str, fix: str | None = None, *, term_id: str = ""
    ) -> None:
        self.term_id = term_id
        super().__init__(source, problem, fix)


class ObsoleteTermError(UnknownTermError):
    """A retired HPO identifier; ``replacement`` says what to use instead, when HPO says."""

    def __init__(
        self,
        source: str,
        problem: str,
        fix: str | None = None,
        *,
        term_id: str = "",
        replacement: str | None = None,
        consider: tuple[str, ...] = (),
    ) -> None:
        self.replacement = replacement
        self.consider = consider
        super().__init__(source, problem, fix, term_id=term_id)


class KnowledgeError(RarecaseError):
    """The knowledge base (ontology, annotations, cache) cannot be used."""

    exit_code = 3


class OntologyFileError(KnowledgeError):
    """hp.obo or phenotype.hpoa is missing, unreadable or malformed."""


__all__ = [
    "InputError",
    "InvalidPhenopacketError",
    "KnowledgeError",
    "ObsoleteTermError",
    "OntologyFileError",
    "RarecaseError",
    "UnknownTermError",
    "UnsupportedFormatError",
]
