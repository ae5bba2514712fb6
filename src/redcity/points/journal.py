"""The points wing on the journal: save facts, postings and the bank; replay them.

:mod:`redcity.store` knows no wing, so the points wing brings its streams
and its replay:

| stream | record | id in the stream |
|---|---|---|
| ``points.fact`` | a fact, tagged with its ``kind`` | the fact's id |
| ``points.posting`` | a :class:`~redcity.points.Posting` | ``"{fact_id}/{rule_id}"`` |
| ``points.ledger`` | a :class:`~redcity.points.ledger.LedgerRecord` | its ``seq`` |

A fact's JSON is its fields with ``"kind"`` first (``{"kind": "service",
"id": …}``): facts of every kind share one stream and are read back as the
right class.  Importing this module teaches :mod:`redcity.serialize` the
:data:`~redcity.points.facts.Fact` union, so ``structure(data, Fact)`` works
anywhere.

Saving is idempotent like every journal batch: saving the same facts,
postings or ledger records again adds nothing, and a fact saved again under
its id with other content is refused (:class:`~redcity.store.JournalConflict`)
— corrections are new facts (a :class:`~redcity.points.Reversal`).

>>> import tempfile
>>> from datetime import datetime, timedelta, timezone
>>> from pathlib import Path
>>> from redcity.points import Rating
>>> from redcity.store import Journal
>>> cst = timezone(timedelta(hours=8))
>>> rating = Rating(id="r1", at=datetime(2026, 3, 5, 9, tzinfo=cst),
...                 member_id="m1", node_id="g1", score=5)
>>> tmp = tempfile.TemporaryDirectory()
>>> with Journal.open(Path(tmp.name) / "district.journal") as journal:
...     save(journal, "2026-03-05", facts=[rating]).added
...     list(load_facts(journal)) == [rating]
1
True
>>> tmp.cleanup()
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from json.encoder import encode_basestring
from typing import Any, Final, cast

import attrs

import redcity.serialize as rs
from redcity.points.facts import FACT_TYPES, Fact, FactKind
from redcity.points.ledger import Ledger, LedgerRecord
from redcity.points.postings import Posting
from redcity.store import Journal, Receipt

__all__ = [
    "FACTS",
    "LEDGER",
    "POSTINGS",
    "fact_from_json",
    "fact_to_json",
    "load_facts",
    "load_postings",
    "posting_key",
    "posting_to_json",
    "replay_ledger",
    "save",
]

FACTS: Final = "points.fact"
"""The stream of facts."""

POSTINGS: Final = "points.posting"
"""The stream of postings."""

LEDGER: Final = "points.ledger"
"""The stream of the points bank's records, in ledger order."""


# --------------------------------------------------------------------------
# Facts: a union tagged by kind
# --------------------------------------------------------------------------


def _unstructure_fact(fact: Fact) -> dict[str, Any]:
    data: dict[str, Any] = rs.converter.unstructure(fact)
    return {"kind": fact.kind.value, **data}


def _structure_fact(data: Any, _: Any) -> Fact:
    if not isinstance(data, dict):
        msg = f"expected a fact (an object with a 'kind'), got {data!r}"
        raise TypeError(msg)
    kinds = ", ".join(repr(k.value) for k in FactKind)
    try:
        cls = FACT_TYPES[FactKind(data["kind"])]
    except KeyError:
        msg = f"a fact needs its 'kind', one of {kinds}"
        raise ValueError(msg) from None
    except ValueError:
        msg = f"expected a fact kind, one of {kinds}, got {data['kind']!r}"
        raise ValueError(msg) from None
    fields = {k: v for k, v in data.items() if k != "kind"}
    fact: Fact = rs.converter.structure(fields, cls)
    return fact


def _is_fact_union(cl: Any) -> bool:
    try:
        return bool(cl == Fact)
    except TypeError:
        return False


rs.converter.register_unstructure_hook_func(_is_fact_union, _unstructure_fact)
rs.converter.register_structure_hook_func(_is_fact_union, _structure_fact)


def fact_to_json(fact: Fact) -> str:
    """A fact's JSON text, tagged with its kind (what the journal stores).

    >>> from datetime import datetime, timezone
    >>> from redcity.points import Registration
    >>> fact_to_json(Registration(
    ...     id="f9", at=datetime(2026, 1, 5, tzinfo=timezone.utc), member_id="m1",
    ...     node_id="c1", employer_id="unit-1"))
    '{"kind": "registration", "id": "f9", "at": "2026-01-05T00:00:00+00:00", "member_id": "m1", "node_id": "c1", "employer_id": "unit-1"}'
    """  # noqa: E501
    return rs.to_json(_unstructure_fact(fact))


def fact_from_json(text: str | bytes) -> Fact:
    """Build a fact of the kind its JSON names (see :func:`fact_to_json`).

    Raises:
        SerializationError: The text is not JSON, names no known kind, or
            does not fit that kind's fields.

    >>> fact_from_json('{"kind": "rating", "id": "r1", "member_id": "m1", '
    ...                '"at": "2026-03-05T09:00:00+08:00", "node_id": "g1", '
    ...                '"score": 4}').score
    4
    >>> fact_from_json('{"kind": "gift", "id": "x"}')
    Traceback (most recent call last):
    ...
    redcity.errors.SerializationError: Cannot build ... 1 problem found:
      - $: expected a fact kind, one of 'service', ..., got 'gift'
    """
    return cast(Fact, rs.from_json(text, cast(Any, Fact)))


# --------------------------------------------------------------------------
# Postings: a fast writer with the converter's exact output
# --------------------------------------------------------------------------

_POSTING_FIELDS: Final = (
    "fact_id",
    "rule_id",
    "member_id",
    "node_id",
    "issuer_id",
    "at",
    "points",
    "explanation_zh",
    "explanation_en",
)
_FAST_POSTINGS: Final = tuple(
    a.name for a in attrs.fields(Posting)
) == _POSTING_FIELDS and encode_basestring("中\n") == json.dumps(
    "中\n", ensure_ascii=False
)


def posting_to_json(posting: Posting) -> str:
    """A posting's JSON text: exactly :func:`redcity.serialize.to_json`'s, faster.

    Writing a journal of millions of postings is dominated by this, so the
    text is assembled directly (about 3× faster than the converter); should
    :class:`~redcity.points.Posting` gain a field, it falls back to the
    converter.

    >>> from datetime import datetime, timezone
    >>> p = Posting(fact_id="f1", rule_id="r1", member_id="m1", node_id="g1",
    ...             issuer_id="o1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...             points=10, explanation_zh="服务1小时。", explanation_en="1 h.")
    >>> posting_to_json(p) == rs.to_json(p)
    True
    """
    if not _FAST_POSTINGS or type(posting) is not Posting:
        return rs.to_json(posting)
    q = encode_basestring
    return (
        f'{{"fact_id": {q(posting.fact_id)}, "rule_id": {q(posting.rule_id)}, '
        f'"member_id": {q(posting.member_id)}, "node_id": {q(posting.node_id)}, '
        f'"issuer_id": {q(posting.issuer_id)}, "at": "{posting.at.isoformat()}", '
        f'"points": {posting.points:d}, '
        f'"explanation_zh": {q(posting.explanation_zh)}, '
        f'"explanation_en": {q(posting.explanation_en)}}}'
    )


def _escape(value: str) -> str:
    if "%" in value or "/" in value:
        return value.replace("%", "%25").replace("/", "%2F")
    return value


def posting_key(posting: Posting) -> str:
    """A posting's id in its stream: ``"{fact_id}/{rule_id}"``.

    One fact earns at most one posting per rule.  ``%`` and ``/`` in the ids
    are percent-encoded, so different (fact, rule) pairs never share a key.

    >>> from datetime import datetime, timezone
    >>> posting_key(Posting(fact_id="f1", rule_id="service-hours", member_id="m1",
    ...     node_id="g1", issuer_id="o1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...     points=10, explanation_zh="", explanation_en=""))
    'f1/service-hours'
    """
    return f"{_escape(posting.fact_id)}/{_escape(posting.rule_id)}"


# --------------------------------------------------------------------------
# Saving and replaying
# --------------------------------------------------------------------------


def save(
    journal: Journal,
    batch_id: str,
    *,
    facts: Iterable[Fact] = (),
    postings: Iterable[Posting] = (),
    ledger_records: Iterable[LedgerRecord] = (),
) -> Receipt:
    """Journal facts, postings and ledger records in one batch: all or nothing.

    Facts go first, then postings, then ledger records, each in the order
    given; ledger records must come in ledger order (the bank's own hash
    chain is checked on replay).  What the journal already holds is
    skipped, so saving a whole ledger again only adds its new records.

    Args:
        journal: An open journal.
        batch_id: Names the batch; reuse it when retrying.
        facts: Facts of any kind.
        postings: Postings, as :func:`~redcity.points.score` produced them.
        ledger_records: The bank's records (``ledger.records``).

    Raises:
        JournalConflict: A fact, posting or ledger record is already in the
            journal with other content; nothing of the batch is written.

    >>> import tempfile
    >>> from datetime import datetime, timezone
    >>> from pathlib import Path
    >>> from redcity.store import Journal
    >>> p = Posting(fact_id="f1", rule_id="r1", member_id="m1", node_id="g1",
    ...             issuer_id="o1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...             points=10, explanation_zh="服务1小时。", explanation_en="1 h.")
    >>> tmp = tempfile.TemporaryDirectory()
    >>> with Journal.open(Path(tmp.name) / "j") as journal:
    ...     save(journal, "b1", postings=[p]).added
    ...     save(journal, "b1", postings=[p]).skipped
    1
    1
    >>> tmp.cleanup()
    """
    records = chain(
        ((FACTS, f.id, fact_to_json(f)) for f in facts),
        ((POSTINGS, posting_key(p), posting_to_json(p)) for p in postings),
        ((LEDGER, str(r.seq), rs.to_json(r)) for r in ledger_records),
    )
    return journal.append(batch_id, records)


def load_facts(journal: Journal) -> Iterator[Fact]:
    """The journal's facts, each of its own kind, in the order they were saved.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from redcity.store import Journal
    >>> tmp = tempfile.TemporaryDirectory()
    >>> with Journal.open(Path(tmp.name) / "j") as journal:
    ...     list(load_facts(journal))
    []
    >>> tmp.cleanup()
    """
    return (fact_from_json(row.payload) for row in journal.read(FACTS))


def load_postings(journal: Journal) -> Iterator[Posting]:
    """The journal's postings, in the order they were saved.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from redcity.store import Journal
    >>> tmp = tempfile.TemporaryDirectory()
    >>> with Journal.open(Path(tmp.name) / "j") as journal:
    ...     list(load_postings(journal))
    []
    >>> tmp.cleanup()
    """
    return journal.read_objects(POSTINGS, Posting)


def replay_ledger(journal: Journal, *, verify: bool = True) -> Ledger:
    """Rebuild the points bank from its records in the journal.

    Args:
        journal: An open journal.
        verify: Check the bank's hash chain and balances while rebuilding
            (:meth:`Ledger.from_records`); the journal's own chain is checked
            by :meth:`Journal.verify`.

    Raises:
        SerializationError: A stored ledger record does not fit.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from redcity.store import Journal
    >>> tmp = tempfile.TemporaryDirectory()
    >>> with Journal.open(Path(tmp.name) / "j") as journal:
    ...     replay_ledger(journal) == Ledger()
    True
    >>> tmp.cleanup()
    """
    records = journal.read_objects(LEDGER, LedgerRecord)
    return Ledger.from_records(records, verify=verify)
