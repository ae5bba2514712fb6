"""Tickets and rates as tables: HTML for Jupyter, DataFrames for analysis.

:func:`tickets_frame` and :func:`rates_frame` turn records into pandas
DataFrames (install ``redcity[frames]``; pandas is imported only when they
are called).  :class:`TicketTable` and :class:`RatesTable` hold the records
and show them in Jupyter as compact, escaped HTML tables; their
``to_frame()`` calls the functions.  A single :class:`~redcity.dispatch.Ticket`,
:class:`~redcity.dispatch.CaseCounts` or :class:`~redcity.dispatch.CaseRates`
renders on its own too.

Rates stay exact in the library (:class:`~fractions.Fraction`, ``None``
when there is nothing to judge); **in a frame they are floats**, ``NaN``
for ``None``, so that pandas can sort, plot and aggregate them.  Never add
rates up: add the counts (they are in the frame too) and divide again.

Personal data is masked as in the Open311 export: frames and HTML carry no
requester, and phone or identity numbers typed into a description or a
reason are masked.

>>> from datetime import datetime, timedelta, timezone
>>> from redcity.dispatch import CaseCounts, RatesTable, Ticket, TicketTable
>>> cst = timezone(timedelta(hours=8))
>>> t = Ticket.report("T1", at=datetime(2026, 3, 2, 9, tzinfo=cst), actor="w",
...     service_code="env.garbage", node_id="b1", severity="small",
...     source="网格巡查", description="楼下垃圾")
>>> len(TicketTable([t])), "已受理" in TicketTable([t])._repr_html_()
(1, True)
>>> table = RatesTable({"g1": CaseCounts(due=4, closed=3, closed_on_time=2)})
>>> table.rates("g1").closure
Fraction(3, 4)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from redcity import _html
from redcity._frames import no_pandas, times
from redcity.calendars import DEFAULT_TZ
from redcity.dispatch.metrics import CaseCounts, CaseRates, percent
from redcity.dispatch.tickets import Status, Ticket
from redcity.grid import GridTree, Level
from redcity.people import mask_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RATES_COLUMNS",
    "TICKET_COLUMNS",
    "RatesTable",
    "TicketTable",
    "rates_frame",
    "tickets_frame",
]

TICKET_COLUMNS: Final = (
    "status",
    "is_open",
    "service_code",
    "severity",
    "source",
    "description",
    "address",
    "node_id",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "original_expected_datetime",
    "agency_responsible",
    "handler_node",
    "handler_level",
    "handler",
    "department",
    "first_receiver",
    "resolved_node",
    "resolved_at_level",
    "redirected_to",
    "filed_at",
    "dispatched_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "closed_on_time",
    "rework_count",
    "extension_count",
    "escalations",
    "last_rating",
    "events",
)
"""The columns of :func:`tickets_frame` (indexed by ``service_request_id``).

Open311 GeoReport v2 names where Open311 has the field (``service_code``,
``description``, ``requested_datetime``, ``expected_datetime`` — the
deadline, :attr:`Ticket.due` —, ``agency_responsible`` …), the ticket's
own names otherwise.  ``status`` is redcity's fine-grained status
(``"dispatched"`` …; Open311's open/closed is ``is_open``); enums are
their English values, levels their English names (``"grid"``)."""

RATES_COLUMNS: Final = (
    "level",
    "name",
    *CaseCounts.FIELDS,
    *CaseRates.LABELS,
)
"""The columns of :func:`rates_frame` (indexed by ``node_id``): the node's
level and name (with a tree), the eight counts, the six rates as floats."""

_TICKET_TIMES: Final = frozenset(
    {
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "original_expected_datetime",
        "filed_at",
        "dispatched_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
    }
)
_TICKET_INTS: Final = ("rework_count", "extension_count", "escalations", "events")


def _check_tickets(tickets: Iterable[Ticket]) -> tuple[Ticket, ...]:
    out = tuple(tickets)
    for t in out:
        if not isinstance(t, Ticket):
            msg = f"Expected tickets, got {t!r}."
            raise TypeError(msg)
    return out


def _name(value: Any) -> Any:
    if isinstance(value, Level):
        return value.en
    return getattr(value, "value", value)


def _ticket_row(t: Ticket) -> dict[str, Any]:
    row = {c: getattr(t, c, None) for c in TICKET_COLUMNS}
    row.update(
        service_request_id=t.service_request_id,
        description=mask_text(t.description),
        escalations=len(t.escalations),
        last_rating=t.ratings[-1] if t.ratings else None,
        events=len(t.events),
    )
    return {k: _name(v) for k, v in row.items()}


def tickets_frame(tickets: Iterable[Ticket], *, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """Tickets as a pandas DataFrame, one row per ticket, indexed by id.

    Columns are :data:`TICKET_COLUMNS`.  Times are ``datetime64`` in ``tz``
    (``NaT`` when not yet happened); ``closed_on_time`` is pandas' nullable
    ``boolean`` (``<NA>`` while open or without a deadline); ``last_rating``
    is nullable ``Int64``.  Descriptions are masked as on export.

    Args:
        tickets: Tickets, e.g. a simulation's or a replayed history.
        tz: The zone of the time columns.

    Raises:
        ImportError: pandas is not installed (``pip install 'redcity[frames]'``).
        TypeError: an item is not a ticket.

    >>> from datetime import datetime, timedelta, timezone
    >>> import pandas as pd
    >>> cst = timezone(timedelta(hours=8))
    >>> t = Ticket.report("T1", at=datetime(2026, 3, 2, 9, tzinfo=cst), actor="w",
    ...     service_code="env.garbage", node_id="b1", severity="小事",
    ...     source="12345", description="电话13812345678")
    >>> t = t.dispatch(at=datetime(2026, 3, 2, 10, tzinfo=cst), to="g1",
    ...     level="网格", actor="community", due=datetime(2026, 3, 5, tzinfo=cst))
    >>> row = tickets_frame([t]).loc["T1"]
    >>> row.status, row.severity, row.handler_level, row.description
    ('dispatched', 'small', 'grid', '电话138****5678')
    >>> str(row.expected_datetime), row.closed_on_time is pd.NA
    ('2026-03-05 00:00:00+08:00', True)
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise no_pandas("tickets_frame()") from exc
    rows = [_ticket_row(t) for t in _check_tickets(tickets)]
    data: dict[str, Any] = {}
    for column in TICKET_COLUMNS:
        values = [r[column] for r in rows]
        if column in _TICKET_TIMES:
            data[column] = times(values, tz)
        elif column in _TICKET_INTS:
            data[column] = pd.array(values, dtype="int64")
        elif column == "last_rating":
            data[column] = pd.array(values, dtype="Int64")
        elif column in ("closed_on_time", "is_open"):
            data[column] = pd.array(values, dtype="boolean")
        else:
            data[column] = values
    index = pd.Index(
        [r["service_request_id"] for r in rows], name="service_request_id", dtype=object
    )
    return pd.DataFrame(data, index=index, columns=list(TICKET_COLUMNS))


def _check_counts(
    counts: Mapping[str, CaseCounts],
) -> tuple[tuple[str, CaseCounts], ...]:
    if not isinstance(counts, Mapping):
        msg = (
            "Expected a mapping of node id to CaseCounts (as case_counts() "
            f"returns), got {counts!r}."
        )
        raise TypeError(msg)
    for node, c in counts.items():
        if not isinstance(c, CaseCounts):
            msg = f"Expected CaseCounts for node {node!r}, got {c!r}."
            raise TypeError(msg)
    return tuple(counts.items())


def _where(tree: GridTree | None, node: str) -> tuple[Level | None, str | None]:
    if tree is None or node not in tree:
        return None, None
    return tree.level(node), tree[node].name


def rates_frame(
    counts: Mapping[str, CaseCounts], *, tree: GridTree | None = None
) -> pd.DataFrame:
    """Case counts per node, with their six rates, as a pandas DataFrame.

    One row per node in the mapping's order, indexed by ``node_id``;
    columns are :data:`RATES_COLUMNS`.  ``level`` (English name) and
    ``name`` come from ``tree`` and are empty without one (or for a key
    that is not a node, such as ``"total"``).  Counts are ``int64``; **rates
    are floats** (``NaN`` where the denominator is 0), while
    :meth:`CaseCounts.rates` stays exact — to roll up, add the counts.

    Args:
        counts: ``{node id: CaseCounts}``, as :func:`~redcity.dispatch.case_counts`
            returns.
        tree: The grid, for levels and names.

    Raises:
        ImportError: pandas is not installed (``pip install 'redcity[frames]'``).
        TypeError: not a mapping of :class:`~redcity.dispatch.CaseCounts`.

    >>> frame = rates_frame({"g1": CaseCounts(due=4, closed=3),
    ...                      "g2": CaseCounts(accepted=2, filed=1)})
    >>> float(frame.loc["g1", "closure"]), int(frame.loc["g1", "due"])
    (0.75, 4)
    >>> bool(frame.loc["g2", "closure"] != frame.loc["g2", "closure"])  # NaN
    True
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise no_pandas("rates_frame()") from exc
    pairs = _check_counts(counts)
    data: dict[str, Any] = {"level": [], "name": []}
    for node, _ in pairs:
        level, name = _where(tree, node)
        data["level"].append(None if level is None else level.en)
        data["name"].append(name)
    for field in CaseCounts.FIELDS:
        data[field] = pd.array([getattr(c, field) for _, c in pairs], dtype="int64")
    rates = [c.rates() for _, c in pairs]
    for attr in CaseRates.LABELS:
        values = [getattr(r, attr) for r in rates]
        data[attr] = pd.array(
            [float("nan") if v is None else float(v) for v in values], dtype="float64"
        )
    index = pd.Index([node for node, _ in pairs], name="node_id", dtype=object)
    return pd.DataFrame(data, index=index, columns=list(RATES_COLUMNS))


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or value < 1:
        msg = f"Expected max_rows to be a whole number ≥ 1, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class TicketTable:
    """Tickets to look at in Jupyter: counts by status, then one row per ticket.

    Iterates, indexes and measures like the tuple of its tickets.  One
    ticket's history shows when the ticket itself is displayed.

    Attributes:
        tickets: The tickets, in the order given (an iterator is read once).
        tz: The zone times are shown in.
        max_rows: Rows shown before "… and N more".
    """

    tickets: tuple[Ticket, ...] = attrs.field(converter=_check_tickets)
    tz: str = attrs.field(default=DEFAULT_TZ, kw_only=True)
    max_rows: int = attrs.field(default=20, kw_only=True, validator=_positive)

    def __len__(self) -> int:
        return len(self.tickets)

    def __iter__(self) -> Iterator[Ticket]:
        return iter(self.tickets)

    def __getitem__(self, index: int) -> Ticket:
        return self.tickets[index]

    def by_status(self) -> dict[Status, int]:
        """How many tickets stand in each status, in :class:`Status` order."""
        out = dict.fromkeys(Status, 0)
        for t in self.tickets:
            out[t.status] += 1
        return {s: n for s, n in out.items() if n}

    def to_frame(self) -> pd.DataFrame:
        """:func:`tickets_frame` of the tickets (needs ``redcity[frames]``)."""
        return tickets_frame(self.tickets, tz=self.tz)

    def _repr_html_(self) -> str:
        opened = sum(t.is_open for t in self.tickets)
        statuses = "; ".join(f"{s.zh} {n:,}" for s, n in self.by_status().items())
        shown = self.tickets[: self.max_rows]
        title = (
            f"工单 {len(self.tickets):,} tickets, {opened:,} open, "
            f"{len(self.tickets) - opened:,} closed"
            + (f" ({statuses})" if statuses else "")
        )
        return _html.block(
            "Tickets",
            title,
            _html.table(
                (
                    "id",
                    "状态 status",
                    "事项 severity",
                    "来源 source",
                    "类别 service",
                    "节点 node",
                    "处理 handler",
                    "受理 requested",
                    "期限 due",
                    "按期 on time",
                    "描述 description",
                ),
                (
                    (
                        t.id,
                        t.status.zh,
                        t.severity.zh,
                        t.source.zh,
                        t.service_code,
                        t.node_id,
                        t.handler_node,
                        _html.when(t.requested_datetime, self.tz),
                        _html.when(t.expected_datetime, self.tz),
                        t.closed_on_time,
                        _html.clip(mask_text(t.description)),
                    )
                    for t in shown
                ),
            ),
            _html.more(len(shown), len(self.tickets), "tickets 工单"),
            name="tickets",
        )


@attrs.frozen
class RatesTable:
    """数字城管 counts per node with their rates, to look at in Jupyter.

    Built from ``{node id: CaseCounts}`` (as
    :func:`~redcity.dispatch.case_counts` returns) and, for levels and
    names, the tree.  Looks up like the mapping: ``table["g1"]`` is a
    node's counts, iteration yields node ids.  The HTML shows percentages
    rounded half up on the exact fractions.

    Attributes:
        counts: ``(node id, CaseCounts)`` pairs, in the mapping's order.
        tree: The grid, for levels and names.
        max_rows: Rows shown before "… and N more".
    """

    counts: tuple[tuple[str, CaseCounts], ...] = attrs.field(converter=_check_counts)
    tree: GridTree | None = attrs.field(default=None, kw_only=True)
    max_rows: int = attrs.field(default=50, kw_only=True, validator=_positive)

    def __len__(self) -> int:
        return len(self.counts)

    def __iter__(self) -> Iterator[str]:
        return (node for node, _ in self.counts)

    def __getitem__(self, node_id: str) -> CaseCounts:
        for node, c in self.counts:
            if node == node_id:
                return c
        msg = f"No counts for node {node_id!r} in the table."
        raise KeyError(msg)

    def rates(self, node_id: str) -> CaseRates:
        """One node's six rates, exact."""
        return self[node_id].rates()

    def to_frame(self) -> pd.DataFrame:
        """:func:`rates_frame` of the counts (needs ``redcity[frames]``)."""
        return rates_frame(dict(self.counts), tree=self.tree)

    def _repr_html_(self) -> str:
        shown = self.counts[: self.max_rows]
        labels = tuple(CaseRates.LABELS.values())
        rows = []
        for node, c in shown:
            level, name = _where(self.tree, node)
            r = c.rates()
            rows.append(
                (
                    node,
                    name,
                    level.zh if level is not None else None,
                    c.accepted,
                    c.due,
                    c.closed,
                    *(percent(getattr(r, attr)) for attr in CaseRates.LABELS),
                )
            )
        return _html.block(
            "Rates",
            f"数字城管 case rates, {len(self.counts):,} nodes",
            _html.table(
                (
                    "节点 node",
                    "名称 name",
                    "级别",
                    "受理数",
                    "应结案数",
                    "结案数",
                    *labels,
                ),
                rows,
                right=range(6, 6 + len(labels)),
            ),
            _html.more(len(shown), len(self.counts), "nodes"),
            name="rates",
        )
