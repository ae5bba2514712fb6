"""The example rulebooks that ship with redcity.

+------------+--------------------------------------------------------------+
| name       | rulebook                                                     |
+============+==============================================================+
| ``kunshan``| 昆山: every hour of volunteer service earns 10 points         |
| ``hailin`` | 海林: 1 hour = 1 point, at most 2 hours counted per activity  |
| ``party``  | a party member's annual scheme: base 60, additions uncapped, |
|            | deductions floored at 0, reset each calendar year            |
+------------+--------------------------------------------------------------+

Each is a TOML file inside the package (``redcity/points/rulebooks/``);
read one as text to start your district's own.

>>> from redcity.points.examples import EXAMPLES, example_rulebook
>>> EXAMPLES
('hailin', 'kunshan', 'party')
>>> example_rulebook("kunshan").rules[0].id
'service-hours'
"""

from __future__ import annotations

from importlib.resources import files

from redcity.points.rules import RuleBook

__all__ = ["EXAMPLES", "example_rulebook", "example_rulebook_text"]

EXAMPLES = ("hailin", "kunshan", "party")
"""The names of the shipped example rulebooks."""


def example_rulebook_text(name: str) -> str:
    """The TOML text of a shipped example rulebook.

    Raises:
        ValueError: no example has that name.

    >>> "rate = 10" in example_rulebook_text("kunshan")
    True
    """
    if name not in EXAMPLES:
        msg = f"Expected one of the example rulebooks {EXAMPLES}, got {name!r}."
        raise ValueError(msg)
    return (
        files("redcity.points")
        .joinpath("rulebooks", f"{name}.toml")
        .read_text(encoding="utf-8")
    )


def example_rulebook(name: str) -> RuleBook:
    """A shipped example rulebook, loaded and validated.

    >>> example_rulebook("hailin").version
    '1'
    """
    return RuleBook.from_toml(example_rulebook_text(name))
