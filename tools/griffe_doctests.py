"""A Griffe extension: render redcity's docstrings well in the API docs.

redcity's docstrings carry runnable examples as bare doctest blocks (run by
``pytest --doctest-modules``).  Griffe's Google parser only treats ``>>>`` as
code inside an ``Examples:`` section; elsewhere Markdown would read ``>>>`` as
a nested blockquote and ``['市', …]`` output as a reference link.  This
extension wraps every top-level doctest block (from a ``>>>`` line at column
0 to the next blank line, as doctest itself reads it) in a ``pycon`` fence,
and renders Sphinx-style roles (``:class:`~redcity.grid.GridTree```) as
inline code (``GridTree``), before mkdocstrings renders the docstring.
Source files are not touched.

Loaded from ``mkdocs.yml``::

    plugins:
      - mkdocstrings:
          handlers:
            python:
              options:
                extensions: [tools/griffe_doctests.py]
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestFences", "fence_doctests", "plain_roles"]

_FENCE = "```"
_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """Turn Sphinx roles into inline code; ``~`` keeps only the last name.

    >>> plain_roles("See :class:`~redcity.errors.Problem` and :meth:`GridTree.rollup`.")
    'See `Problem` and `GridTree.rollup`.'
    """

    def code(match: re.Match[str]) -> str:
        tilde, target = match.groups()
        return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"

    return _ROLE.sub(code, text)


def fence_doctests(text: str) -> str:
    r"""Wrap each top-level doctest block of ``text`` in a ``pycon`` fence.

    Lines already inside a fence, and indented ``>>>`` lines (an
    ``Examples:`` section, which Griffe renders itself), are left alone.

    >>> text = fence_doctests("Intro.\n>>> 1 + 1\n2\n\nMore.")
    >>> text.split("\n")
    ['Intro.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
    """
    out: list[str] = []
    in_fence = in_example = False
    for line in text.split("\n"):
        if in_example:
            if line.strip():
                out.append(line)
                continue
            out.extend([_FENCE, ""])
            in_example = False
            continue
        if line.lstrip().startswith(_FENCE):
            in_fence = not in_fence
        elif not in_fence and line.startswith(">>>"):
            if out and out[-1].strip():
                out.append("")
            out.extend([_FENCE + "pycon", line])
            in_example = True
            continue
        out.append(line)
    if in_example:
        out.append(_FENCE)
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence doctest blocks and plain Sphinx roles in every docstring Griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite ``obj``'s docstring in place, before it is parsed."""
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(plain_roles(obj.docstring.value))
