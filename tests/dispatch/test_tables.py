"""Tickets and rates in Jupyter: frames with the documented columns and one
row per record, rates exact in the library and floats in the frame, escaped
and masked HTML with the key figures, and the clear error without pandas."""

from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redcity.dispatch import (
    RATES_COLUMNS,
    TICKET_COLUMNS,
    CaseCounts,
    HotlineCounts,
    RatesTable,
    Requester,
    Status,
    Ticket,
    TicketTable,
    case_counts,
    rates_frame,
    tickets_frame,
)
from redcity.grid import GridTree
from redcity.testing.strategies import case_counts_records, ticket_batches

CST = timezone(timedelta(hours=8))
SCRIPT = "<script>alert(1)</script>"
START = datetime(2026, 3, 1, tzinfo=CST)

TREE = GridTree.from_records(
    [
        {"id": "c1", "parent": None, "level": "社区", "name": "娄山<社区>"},
        {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
        {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
        {"id": "b2", "parent": "g1", "level": "楼栋", "name": "2栋"},
    ]
)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=CST)


def reported(tid: str = "T1", description: str = "楼下垃圾", **kw: object) -> Ticket:
    return Ticket.report(
        tid,
        at=at(2),
        actor="hotline",
        service_code="env.garbage",
        node_id="b1",
        severity="small",
        source="12345",
        description=description,
        **kw,  # type: ignore[arg-type]
    )


def closed(tid: str = "T2") -> Ticket:
    t = reported(tid).dispatch(
        at=at(2, 10), to="g1", level="网格", actor="center", due=at(5)
    )
    t = t.accept(at=at(2, 11), actor="w").resolve(at=at(3), actor="w")
    t = t.rate(4, at=at(3, 12), actor="resident")
    return t.close(at=at(3, 13), actor="center")


# -- tickets_frame ----------------------------------------------------------


@settings(max_examples=30)
@given(ticket_batches(node_ids=("b1", "b2"), start=START, max_size=6))
def test_tickets_frame_has_one_row_per_ticket_and_the_documented_columns(tickets):
    frame = tickets_frame(tickets)

    assert list(TICKET_COLUMNS) == list(frame.columns)
    assert [t.id for t in tickets] == list(frame.index)
    assert [t.status.value for t in tickets] == list(frame["status"])
    assert [t.is_open for t in tickets] == list(frame["is_open"])
    assert [len(t.events) for t in tickets] == list(frame["events"])
    assert [t.rework_count for t in tickets] == list(frame["rework_count"])
    on_time = [None if v is pd.NA else bool(v) for v in frame["closed_on_time"]]
    assert [t.closed_on_time for t in tickets] == on_time
    assert [t.requested_datetime for t in tickets] == [
        ts.to_pydatetime() for ts in frame["requested_datetime"]
    ]


def test_tickets_frame_values_of_a_closed_ticket():
    row = tickets_frame([closed()]).loc["T2"]

    assert "closed" == row["status"]
    assert not row["is_open"]
    assert "grid" == row["handler_level"]
    assert "g1" == row["resolved_node"]
    assert 4 == row["last_rating"]
    assert row["closed_on_time"]
    assert at(5) == row["expected_datetime"].to_pydatetime()


def test_tickets_frame_masks_personal_data_and_has_no_requester():
    t = reported(
        description="电话13812345678",
        requester=Requester(name="张三丰", phone="13812345678"),
    )

    frame = tickets_frame([t])

    assert "电话138****5678" == frame.loc["T1", "description"]
    assert "13812345678" not in frame.to_csv()
    assert "张三丰" not in frame.to_csv()


def test_tickets_frame_refuses_what_is_not_a_ticket():
    with pytest.raises(TypeError, match="Expected tickets"):
        tickets_frame(["T1"])  # type: ignore[list-item]


# -- rates_frame ------------------------------------------------------------


@settings(max_examples=60)
@given(st.dictionaries(st.sampled_from(["c1", "g1", "x"]), case_counts_records()))
def test_rates_frame_keeps_counts_exact_and_rates_as_floats(counts):
    frame = rates_frame(counts, tree=TREE)

    assert list(RATES_COLUMNS) == list(frame.columns)
    assert list(counts) == list(frame.index)
    for node, c in counts.items():
        assert c.as_tuple() == tuple(int(frame.loc[node, f]) for f in c.FIELDS)
        for name, rate in c.rates().as_dict().items():
            value = frame.loc[node, name]
            if rate is None:
                assert math.isnan(value)
            else:
                assert float(rate) == value


def test_rates_frame_names_nodes_from_the_tree():
    counts = {"c1": CaseCounts(due=2, closed=1), "total": CaseCounts()}

    frame = rates_frame(counts, tree=TREE)

    assert ("community", "娄山<社区>") == tuple(frame.loc["c1", ["level", "name"]])
    assert frame.loc["total", ["level", "name"]].isna().all()
    assert rates_frame(counts)["level"].isna().all()


def test_rates_frame_of_case_counts_sums_like_the_counts():
    tickets = [reported("T1"), closed("T2")]
    counts = case_counts(tickets, "2026-03", tree=TREE)

    frame = RatesTable(counts, tree=TREE).to_frame()

    assert counts["c1"].due == int(frame.loc["c1", "due"])
    assert 1.0 == frame.loc["c1", "closure"]


def test_rates_frame_refuses_other_records():
    with pytest.raises(TypeError, match="CaseCounts for node 'g1'"):
        rates_frame({"g1": HotlineCounts()})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="mapping of node id"):
        rates_frame([CaseCounts()])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda: tickets_frame([reported()]),
        lambda: rates_frame({"g1": CaseCounts()}),
        lambda: TicketTable([reported()]).to_frame(),
        lambda: RatesTable({"g1": CaseCounts()}).to_frame(),
    ],
)
def test_without_pandas_the_error_names_the_frames_extra(monkeypatch, make):
    monkeypatch.setitem(sys.modules, "pandas", None)

    with pytest.raises(ImportError, match=r"pip install 'redcity\[frames\]'"):
        make()


# -- HTML -------------------------------------------------------------------


def test_ticket_html_shows_state_and_history_escaped_and_masked():
    t = reported(
        description=SCRIPT + " 13812345678",
        requester=Requester(name="张三丰", phone="13812345678"),
    ).dispatch(at=at(2, 10), to="g1", level="网格", actor="center", due=at(5))

    page = t._repr_html_()

    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "13812345678" not in page
    assert "张三丰" not in page
    assert "张** 138****5678" in page
    assert "已派单 dispatched" in page
    assert "历史 history: 2 events" in page
    assert "派单 dispatch" in page
    assert "to g1 (网格)" in page


def test_ticket_table_html_counts_statuses_and_escapes():
    tickets = [reported("T1", SCRIPT), closed("T2")]

    page = TicketTable(tickets)._repr_html_()

    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "2 tickets, 1 open, 1 closed (已受理 1; 已结案 1)" in page
    assert "✓" in page  # T2 closed on time


def test_ticket_table_is_a_sequence_and_counts_by_status():
    table = TicketTable(iter([reported("T1"), closed("T2")]), max_rows=1)

    assert 2 == len(table)
    assert "T2" == table[1].id
    assert {Status.REPORTED: 1, Status.CLOSED: 1} == table.by_status()
    assert "… and 1 more tickets" in table._repr_html_()


def test_counts_and_rates_html_show_percent_and_exact_fraction():
    counts = CaseCounts(accepted=40, filed=38, dispatched=38, due=25, closed=22)

    page = counts._repr_html_()

    assert "应结案数" in page
    assert "25" in page
    assert "结案率" in page
    assert "88.0%" in page
    assert "22/25" in page
    assert "88.0%" in counts.rates()._repr_html_()
    assert "满意率" in HotlineCounts(received=1)._repr_html_()


def test_rates_table_html_escapes_names_and_shows_rates():
    table = RatesTable({"c1": CaseCounts(due=4, closed=3)}, tree=TREE)

    page = table._repr_html_()

    assert "娄山&lt;社区&gt;" in page
    assert "75.0%" in page
    assert "—" in page
    assert CaseCounts(due=4, closed=3) == table["c1"]
    assert ["c1"] == list(table)
    with pytest.raises(KeyError, match="'zz'"):
        table["zz"]
