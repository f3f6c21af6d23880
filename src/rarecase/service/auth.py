"""Bearer tokens for writes to the case store (and reads, when configured closed).

Tokens come from a file (one a line, ``#`` comments) or an environment variable (comma
separated). Only their SHA-256 digests are kept in memory; a presented token is hashed and
compared with every digest in constant time, so neither the tokens nor how much of one matched
can be learnt from the service.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path

from rarecase.errors import InputError


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class Tokens:
    """The digests of the accepted tokens; empty means writes are disabled."""

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._digests = tuple(digest(t) for t in dict.fromkeys(tokens) if t)

    @classmethod
    def read(cls, path: Path | None = None, listed: str | None = None) -> Tokens:
        """From ``path`` and/or a comma-separated ``listed``; a token shorter than 16
        characters is refused, as easy to guess."""
        found: list[str] = []
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise InputError(str(path), f"cannot read the token file ({error})") from None
            found += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        if listed:
            found += [t.strip() for t in listed.split(",") if t.strip()]
        short = [t for t in found if len(t) < 16]
        if short:
            raise InputError(
                str(path) if path else "RARECASE_TOKENS",
                f"{len(short)} token(s) shorter than 16 characters",
                "use long random tokens: python -c "
                "'import secrets; print(secrets.token_urlsafe())'",
            )
        return cls(found)

    def __bool__(self) -> bool:
        return bool(self._digests)

    def accepts(self, authorization: str | None) -> bool:
        """Whether an ``Authorization: Bearer …`` header carries an accepted token."""
        if not authorization or not self._digests:
            return False
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        presented = digest(token.strip())
        matched = False
        for known in self._digests:  # every digest compared: the time does not tell which
            matched |= hmac.compare_digest(presented, known)
        return matched
