from __future__ import annotations

import pytest

from rarecase.errors import InputError
from rarecase.service.auth import Tokens

GOOD = "k3y-" + "x" * 28


def test_only_a_listed_bearer_token_is_accepted():
    tokens = Tokens([GOOD, "other-" + "y" * 20])
    assert tokens.accepts(f"Bearer {GOOD}") and tokens.accepts(f"bearer  {GOOD} ")
    assert not tokens.accepts(f"Bearer {GOOD}x")
    assert not tokens.accepts(f"Basic {GOOD}")
    assert not tokens.accepts("Bearer ") and not tokens.accepts(None)


def test_no_tokens_accept_nothing():
    assert not Tokens() and not Tokens().accepts(f"Bearer {GOOD}")


def test_tokens_are_kept_only_as_digests():
    tokens = Tokens([GOOD])
    assert GOOD not in repr(vars(tokens)) and GOOD.encode() not in b"".join(tokens._digests)


def test_tokens_from_a_file_and_a_list(tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"# writers\n{GOOD}\n\n")
    tokens = Tokens.read(path, "second-token-0123456789")
    assert tokens.accepts(f"Bearer {GOOD}") and tokens.accepts("Bearer second-token-0123456789")


def test_short_tokens_and_unreadable_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="shorter than 16"):
        Tokens.read(None, "abc")
    with pytest.raises(InputError, match="cannot read the token file"):
        Tokens.read(tmp_path / "missing")
