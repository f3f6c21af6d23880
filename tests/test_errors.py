import pytest

from rarecase.errors import (
    InputError,
    InvalidPhenopacketError,
    KnowledgeError,
    ObsoleteTermError,
    OntologyFileError,
    RarecaseError,
    UnknownTermError,
    UnsupportedFormatError,
)


def test_message_names_source_problem_and_fix():
    error = InputError("case.json", "HP:99 is not an HPO id", "use HP:0001250")
    assert str(error) == "case.json: HP:99 is not an HPO id; use HP:0001250"


def test_message_is_one_line_whatever_the_parts():
    error = OntologyFileError("hp.obo:3", "bad\nline", "fix\n  it")
    assert "\n" not in str(error)


def test_no_source_no_fix():
    assert str(RarecaseError("", "plain problem")) == "plain problem"


@pytest.mark.parametrize(
    ("cls", "code", "bases"),
    [
        (InputError, 2, (ValueError,)),
        (UnsupportedFormatError, 2, (InputError,)),
        (InvalidPhenopacketError, 2, (InputError,)),
        (UnknownTermError, 2, (InputError, LookupError)),
        (ObsoleteTermError, 2, (UnknownTermError,)),
        (KnowledgeError, 3, (RarecaseError,)),
        (OntologyFileError, 3, (KnowledgeError,)),
    ],
)
def test_tree_and_exit_codes(cls, code, bases):
    assert cls.exit_code == code
    assert all(issubclass(cls, base) for base in bases)


def test_obsolete_error_carries_its_replacement():
    error = ObsoleteTermError(
        "x", "obsolete", term_id="HP:1", replacement="HP:2", consider=("HP:3",)
    )
    assert (error.term_id, error.replacement, error.consider) == ("HP:1", "HP:2", ("HP:3",))


def test_errors_survive_pickling_between_processes():
    import pickle

    from rarecase.corpus.store import StoreError

    for error in (
        ObsoleteTermError("x", "obsolete", "use HP:2", term_id="HP:1", replacement="HP:2"),
        StoreError("sqlite:///c.sqlite", "locked"),
        InputError("a.txt", "is empty"),
    ):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert back.__dict__ == error.__dict__
