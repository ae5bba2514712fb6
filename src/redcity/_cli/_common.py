"""What every file command shares: reading files, reporting problems, output.

Errors travel as two exceptions that :func:`redcity.cli.main` turns into
messages on standard error and an exit code, so no command prints a
traceback for bad input:

* :class:`CliError` — the file cannot be used at all (missing, unreadable,
  not JSON, the wrong shape): exit code 2, like argparse's usage errors.
* :class:`DataProblems` — the file was read but its records have problems:
  every problem is listed with where it is (``row 4``, ``line 7``,
  ``item 3``), exit code 1.

>>> p = Located("item 2", "$.at: expected a timezone-aware datetime")
>>> print(DataProblems("invalid fact", "facts.json", [p]).lines()[0])
invalid fact in facts.json, item 2: $.at: expected a timezone-aware datetime
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from redcity.errors import RedcityError

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "CliError",
    "DataProblems",
    "HelpFormatter",
    "Located",
    "build_items",
    "emit_json",
    "error",
    "json_option",
    "problem_lines",
    "read_items",
    "read_json",
    "read_text",
    "table_lines",
    "write_output",
]

T = TypeVar("T")

EXIT_OK = 0
"""Everything went well."""

EXIT_PROBLEMS = 1
"""The file was read, but its data has problems (listed on standard error)."""

EXIT_USAGE = 2
"""Bad arguments, or a file that cannot be read as the command expects."""


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, but lines indented by two spaces stay as written.

    Descriptions are re-wrapped as usual; the ``examples:`` in an epilog,
    one command per indented line, are kept so they can be copied.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        prose: list[str] = []
        for line in [*text.splitlines(), ""]:
            if line.startswith("  ") or not line.strip():
                if prose:
                    out.append(super()._fill_text(" ".join(prose), width, indent))
                    prose = []
                if line.strip():
                    out.append(indent + line)
            else:
                prose.append(line.strip())
        return "\n".join(out)


class CliError(Exception):
    """A file or argument the command cannot use at all; exit code 2 by default."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


@attrs.frozen
class Located:
    """One problem and where it is: ``"row 4"``, ``"line 7"`` or ``None``."""

    where: str | None
    message: str


class DataProblems(Exception):
    """Every problem found in one input file; exit code 1."""

    def __init__(
        self, what: str, file: Path | str, problems: Iterable[Located]
    ) -> None:
        self.what = what
        self.file = str(file)
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problems in {self.file}")

    def lines(self) -> list[str]:
        """One ``<what> in <file>, <where>: <problem>`` line per problem."""
        return [
            f"{self.what} in {self.file}"
            + (f", {p.where}" if p.where else "")
            + f": {p.message}"
            for p in self.problems
        ]


def error(message: str) -> None:
    """Print ``redcity: error: <message>`` on standard error."""
    print(f"redcity: error: {message}", file=sys.stderr)


def problem_lines(exc: BaseException) -> list[str]:
    """An error's message as one problem per line, headers dropped.

    redcity's whole-input errors read ``"3 problems found:\\n  - a: …"``;
    each ``- …`` line becomes one problem.

    >>> from redcity.errors import Problem, ValidationError
    >>> problem_lines(ValidationError([Problem("n1", "parent", "unknown")]))
    ['n1.parent: unknown']
    >>> problem_lines(ValueError("Expected a street."))
    ['Expected a street.']
    """
    text = str(exc)
    items = [line.strip()[2:] for line in text.splitlines() if line.startswith("  - ")]
    return items or [" ".join(text.split()) or type(exc).__name__]


def read_text(path: Path) -> str:
    """A file's UTF-8 text (a byte-order mark is dropped).

    Raises:
        CliError: the file is missing, unreadable or not UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        msg = f"cannot read {path}: {reason}"
        raise CliError(msg) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = (
            f"cannot read {path}: it is not UTF-8 text (byte {exc.start}); "
            "save it as UTF-8"
        )
        raise CliError(msg) from exc


def _json_error(path: Path, exc: json.JSONDecodeError, line: int | None = None) -> str:
    where = f"line {line if line is not None else exc.lineno}, column {exc.colno}"
    return f"{path} is not valid JSON: {exc.msg} at {where}"


def read_json(path: Path) -> Any:
    """A JSON file's value.

    Raises:
        CliError: unreadable, or not JSON (the message names line and column).
    """
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(_json_error(path, exc)) from exc


def read_items(path: Path, what: str) -> list[tuple[str, Any]]:
    """The records of a JSON list or a JSON Lines file, each with where it is.

    A file whose first character is ``[`` is one JSON list (records are
    ``item 1``, ``item 2`` …); otherwise every non-blank line is one JSON
    value (``line 1`` …, the file's own line numbers).

    Raises:
        CliError: unreadable, not JSON, or a JSON value that is not a list.
    """
    text = read_text(path)
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(_json_error(path, exc)) from exc
        return [(f"item {k}", value) for k, value in enumerate(data, 1)]
    items = []
    for k, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append((f"line {k}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise CliError(_json_error(path, exc, line=k)) from exc
    if not items and text.strip():
        msg = f"{path} holds no {what}s: expected a JSON list or JSON Lines"
        raise CliError(msg)
    return items


def _record_id(value: Any, key: str) -> str:
    if isinstance(value, dict) and isinstance(value.get(key), str):
        return f" ({key} {value[key]!r})"
    return ""


def build_items(
    path: Path,
    what: str,
    items: Sequence[tuple[str, Any]],
    build: Callable[[Any], T],
    *,
    id_key: str = "id",
) -> list[T]:
    """Build a record from each item, or raise every problem at once.

    Raises:
        DataProblems: one or more items do not fit; each problem names the
            item's place and id.
    """
    out: list[T] = []
    problems: list[Located] = []
    for where, value in items:
        try:
            out.append(build(value))
        except (RedcityError, ValueError, TypeError, KeyError) as exc:
            label = where + _record_id(value, id_key)
            problems.extend(Located(label, line) for line in problem_lines(exc))
    if problems:
        raise DataProblems(f"invalid {what}", path, problems)
    return out


def emit_json(value: Any) -> None:
    """Print a JSON value on standard output (Chinese kept, indented)."""
    print(json.dumps(value, ensure_ascii=False, indent=2))


def write_output(text: str, out: Path | None) -> None:
    """Write text to a file, or to standard output when ``out`` is ``None``.

    Raises:
        CliError: the file cannot be written.
    """
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        msg = f"cannot write {out}: {reason}"
        raise CliError(msg) from exc


def json_option(parser: argparse.ArgumentParser, help: str) -> None:
    """Add the ``--json`` flag every command has."""
    parser.add_argument("--json", action="store_true", help=help)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text


def table_lines(
    rows: Sequence[Sequence[str]], *, indent: str = "  ", left: int = 1
) -> list[str]:
    """Rows as aligned lines: the first ``left`` columns left-aligned, the
    others right.

    >>> for line in table_lines([["区", "户"], ["播州区", "12"]]):
    ...     print(line)
      区        户
      播州区    12
    """
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        (
            indent
            + "  ".join(
                _pad(cell, w, left=i < left)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
        ).rstrip()
        for r in rows
    ]
