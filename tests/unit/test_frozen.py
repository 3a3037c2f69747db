"""``@frozen`` classes behave as the standard frozen dataclasses they replace."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import engine.frozen as frozen_module
from engine.frozen import frozen

ENGINE = Path(__file__).resolve().parents[2] / "engine"


@frozen
class Mark:
    ritual: str
    count: int = 0
    secret: str = field(default="", repr=False)
    cached: int = field(default=0, compare=False)


@dataclass(frozen=True)
class StdMark:
    ritual: str
    count: int = 0
    secret: str = field(default="", repr=False)
    cached: int = field(default=0, compare=False)


@frozen(kw_only=True)
class Keyed:
    at: int
    by: str = "sam"


@frozen
class Nothing:
    pass


@frozen
class One:
    value: str


@frozen
class Child(Mark):
    extra: tuple[str, ...] = ()


@frozen
class OwnRepr:
    """Shows nothing of itself."""

    value: str

    def __repr__(self) -> str:
        return "hidden"


@frozen(kw_only=True)
class Base:
    at: int
    via: str = "cli"


@frozen
class Derived(Base):
    name: str
    tags: tuple[str, ...] = ()
    seen: list[str] = field(default_factory=list)


@frozen
class Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("no negative values")


@frozen
class Node:
    name: str
    children: list[Node] = field(default_factory=list)


def test_equality_and_hash_match_the_standard_dataclass() -> None:
    for args in [("a",), ("a", 2), ("b", 2, "words", 7)]:
        ours, std = Mark(*args), StdMark(*args)
        assert ours == Mark(*args) and hash(ours) == hash(Mark(*args))
        assert hash(ours) == hash(std)
    assert Mark("a", 1) != Mark("a", 2)
    assert Mark("a", cached=1) == Mark("a", cached=2)  # compare=False is left out
    assert Mark("a") != StdMark("a")  # another class is never equal
    assert Mark("a") != Child("a")
    assert (Mark("a") == "a") is False
    assert hash(Nothing()) == hash(()) and Nothing() == Nothing()
    assert One("x") == One("x") and One("x") != One("y") and hash(One("x")) == hash(("x",))
    assert {Mark("a"), Mark("a"), Mark("b")} == {Mark("a"), Mark("b")}


def test_repr_matches_the_standard_dataclass_and_leaves_out_hidden_fields() -> None:
    ours = repr(Mark("a", 2, "private words", 3))
    assert ours == repr(StdMark("a", 2, "private words", 3)).replace("StdMark", "Mark")
    assert "private words" not in ours
    assert repr(Keyed(at=1)) == "Keyed(at=1, by='sam')"
    assert repr(Nothing()) == "Nothing()"
    assert repr(OwnRepr("x")) == "hidden"  # a class's own method is kept
    loop = Node("a")
    loop.children.append(loop)
    assert repr(loop) == "Node(name='a', children=[...])"


def test_frozen_fields_and_dataclass_tools() -> None:
    mark = Mark("a", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mark.count = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del mark.count  # type: ignore[misc]
    assert dataclasses.is_dataclass(mark)
    assert dataclasses.replace(mark, count=5) == Mark("a", 5)
    assert dataclasses.asdict(mark) == {"ritual": "a", "count": 2, "secret": "", "cached": 0}
    assert [f.name for f in dataclasses.fields(Child)][-1] == "extra"
    assert Child("a", extra=("x",)) == Child("a", extra=("x",))
    assert pickle.loads(pickle.dumps(mark)) == mark
    with pytest.raises(TypeError):
        Keyed(1)  # type: ignore[misc]
    match Mark("a", 2):
        case Mark(ritual, count):
            assert (ritual, count) == ("a", 2)


def test_init_takes_positional_fields_then_keyword_only_ones_with_their_defaults() -> None:
    params = inspect.signature(Derived).parameters.values()
    assert [(p.name, p.kind.name, p.default) for p in params] == [
        ("name", "POSITIONAL_OR_KEYWORD", inspect.Parameter.empty),
        ("tags", "POSITIONAL_OR_KEYWORD", ()),
        ("seen", "POSITIONAL_OR_KEYWORD", frozen_module._FACTORY),
        ("at", "KEYWORD_ONLY", inspect.Parameter.empty),
        ("via", "KEYWORD_ONLY", "cli"),
    ]
    one, two = Derived("a", at=1), Derived("a", at=1)
    assert one == two and one.via == "cli" and one.tags == ()
    assert one.seen == [] and one.seen is not two.seen  # a fresh list each time
    with pytest.raises(TypeError):
        Derived("a", 1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Derived(at=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)
    assert Checked(2).value == 2


def test_a_class_without_a_docstring_is_described_by_its_signature_as_dataclasses_does() -> None:
    @frozen
    class Plain:
        a: int
        b: str = "x"

    @dataclass(frozen=True)
    class StdPlain:
        a: int
        b: str = "x"

    assert Plain.__doc__ == StdPlain.__doc__.replace("StdPlain", "Plain")  # type: ignore[union-attr]
    assert str(inspect.signature(Plain)) == str(inspect.signature(StdPlain))
    assert OwnRepr.__doc__ == "Shows nothing of itself."  # a documented class keeps its own


def test_no_attribute_can_be_set_or_deleted_after_init() -> None:
    mark = Mark("a")
    for name in ("ritual", "new_attribute"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(mark, name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(mark, name)
    assert vars(mark) == {"ritual": "a", "count": 0, "secret": "", "cached": 0}


def test_a_standard_frozen_dataclass_cannot_extend_a_frozen_class() -> None:
    """dataclasses sees a @frozen class as not frozen (its immutability is @frozen's own),
    so a subclass is declared with @frozen too."""
    with pytest.raises(TypeError, match="frozen"):

        @dataclass(frozen=True)
        class Standard(Mark):
            extra: int = 0


def test_the_engine_declares_its_frozen_classes_with_frozen() -> None:
    """A plain ``@dataclass(frozen=True)`` costs every command's start several times as much;
    only an ordered one, which ``@frozen`` does not make, keeps the standard form."""
    plain = re.compile(r"@(dataclasses\.)?dataclass\(frozen=True(?![^)]*order=True)")
    found = [
        f"{path.relative_to(ENGINE.parent)}:{number}"
        for path in sorted(ENGINE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if plain.search(line)
    ]
    assert found == []
