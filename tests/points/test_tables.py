"""Facts, postings and the points bank in Jupyter: frames with the documented
columns and one row per record, escaped HTML with the key figures, and the
clear error when pandas is missing."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given, settings

from redcity.points import (
    FACT_COLUMNS,
    POSTING_COLUMNS,
    Account,
    Entry,
    FactTable,
    Ledger,
    MicroWish,
    Posting,
    PostingTable,
    ServiceRecord,
    Transaction,
    facts_frame,
    postings_frame,
    score,
)
from redcity.points.examples import example_rulebook
from redcity.testing.strategies import fact_lists, ledgers

CST = timezone(timedelta(hours=8))
SCRIPT = "<script>alert(1)</script>"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=CST)


def service(fid: str, member: str = "m1", hours: int = 2) -> ServiceRecord:
    return ServiceRecord(
        id=fid,
        at=at(5),
        end=at(5) + timedelta(hours=hours),
        member_id=member,
        node_id="g1",
        category="助老",
        organizer_id="org-1",
    )


def posting(points: int, explanation: str = "得分。", member: str = "m1") -> Posting:
    return Posting(
        fact_id="f1",
        rule_id="r",
        member_id=member,
        node_id="g1",
        issuer_id="org-1",
        at=at(5),
        points=points,
        explanation_zh=explanation,
        explanation_en="points.",
    )


# -- frames -----------------------------------------------------------------


@settings(max_examples=40)
@given(fact_lists(max_size=12))
def test_facts_frame_has_one_row_per_fact_and_the_documented_columns(facts):
    frame = facts_frame(facts)

    assert list(FACT_COLUMNS) == list(frame.columns)
    assert [f.id for f in facts] == list(frame.index)
    assert [f.kind.value for f in facts] == list(frame["kind"])
    assert [f.member_id for f in facts] == list(frame["member_id"])
    assert [f.at for f in facts] == [ts.to_pydatetime() for ts in frame["at"]]


def test_facts_frame_hours_are_floats_of_the_exact_hours():
    facts = [service("f1", hours=2), service("f2", hours=3)]

    frame = facts_frame(facts)

    assert [2.0, 3.0] == list(frame["hours"])
    assert "Asia/Shanghai" == str(frame["at"].dt.tz)
    assert frame["score"].isna().all()


def test_facts_frame_of_nothing_still_has_the_columns():
    frame = facts_frame([])

    assert (0, len(FACT_COLUMNS)) == frame.shape


def test_facts_frame_refuses_what_is_not_a_fact():
    with pytest.raises(TypeError, match="Expected facts"):
        facts_frame(["f1"])  # type: ignore[list-item]


@settings(max_examples=40)
@given(fact_lists(kinds=["service"], max_size=12))
def test_postings_frame_round_trips_the_postings(facts):
    postings = list(score(example_rulebook("kunshan"), facts))

    frame = postings_frame(postings)

    assert list(POSTING_COLUMNS) == list(frame.columns)
    assert len(postings) == len(frame)
    assert [p.fact_id for p in postings] == list(frame["fact_id"])
    assert sum(p.points for p in postings) == int(frame["points"].sum())
    by_member = PostingTable(postings).by_member()
    grouped = frame.groupby("member_id")["points"].sum()
    assert by_member == {m: int(v) for m, v in grouped.items()}


def test_table_to_frame_is_the_function():
    postings = [posting(5), posting(-2)]

    assert postings_frame(postings).equals(PostingTable(postings).to_frame())
    facts = [service("f1")]
    assert facts_frame(facts).equals(FactTable(facts).to_frame())


@pytest.mark.parametrize(
    "make",
    [
        lambda: facts_frame([service("f1")]),
        lambda: postings_frame([posting(5)]),
        lambda: FactTable([service("f1")]).to_frame(),
        lambda: PostingTable([posting(5)]).to_frame(),
    ],
)
def test_without_pandas_the_error_names_the_frames_extra(monkeypatch, make):
    monkeypatch.setitem(sys.modules, "pandas", None)

    with pytest.raises(ImportError, match=r"pip install 'redcity\[frames\]'"):
        make()


def test_importing_the_library_does_not_import_pandas():
    code = (
        "import sys, redcity, redcity.points, redcity.dispatch, redcity.grid; "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert "False" == out.stdout.strip()


# -- HTML -------------------------------------------------------------------


def test_fact_table_html_is_escaped_and_counts_kinds():
    wish = MicroWish(
        id="f2",
        at=at(6),
        member_id="m1",
        node_id="g1",
        wish_id="w1",
        description=SCRIPT,
    )

    page = FactTable([service("f1"), wish])._repr_html_()

    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "事实 2" in page
    assert "志愿服务 service 1" in page
    assert "2 h 助老" in page


def test_posting_table_html_shows_totals_and_escapes_explanations():
    table = PostingTable([posting(25, SCRIPT), posting(-5, member="m2")])

    page = table._repr_html_()

    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2 postings, 2 members: +25 earned, −5 deducted, net +20" in page
    assert "+25" in page
    assert "-5" in page


def test_long_tables_say_how_many_rows_are_left_out():
    table = PostingTable([posting(1)] * 25, max_rows=10)

    page = table._repr_html_()

    assert 10 == page.count("得分。")
    assert "… and 15 more postings" in page


def test_max_rows_must_be_positive():
    with pytest.raises(ValueError, match="max_rows"):
        PostingTable([], max_rows=0)


def test_tables_behave_like_their_tuples():
    postings = [posting(1), posting(2)]
    table = PostingTable(iter(postings))

    assert 2 == len(table)
    assert postings == list(table)
    assert postings[1] == table[1]
    assert 3 == table.total


def _bank() -> Ledger:
    bank = Ledger()
    bank.post(
        Transaction(
            "t1",
            at(5),
            [
                Entry(Account.issuer("org-1"), -1250),
                Entry(Account.member(SCRIPT), 1250),
            ],
        )
    )
    bank.redeem(id="r1", at=at(6), member_id=SCRIPT, merchant_id="shop", points=250)
    return bank


def test_ledger_html_summarises_kinds_balances_and_verification():
    page = _bank()._repr_html_()

    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "2 transactions, 4 entries, 3 accounts" in page
    assert "✓ sound" in page
    assert "1,000" in page  # the member's balance
    assert "-1,250" in page  # the issuer's
    assert "发放单位" in page
    assert "商户" in page


def test_ledger_html_reports_a_damaged_ledger():
    rows = list(_bank().records)
    tx = rows[0].transaction
    rows[0] = attrs.evolve(
        rows[0],
        transaction=attrs.evolve(
            tx,
            entries=[
                Entry(Account.issuer("org-1"), -9),
                Entry(Account.member(SCRIPT), 9),
            ],
        ),
    )

    page = Ledger.from_records(rows, verify=False)._repr_html_()

    assert "✗" in page
    assert "first at seq 0" in page


@settings(max_examples=20)
@given(ledgers(max_transactions=8))
def test_ledger_html_always_says_sound_for_a_ledger_the_bank_grew(bank):
    page = bank._repr_html_()

    assert f"{len(bank):,} transactions" in page
    assert "✓ sound" in page


def test_points_card_renders_escaped_with_its_balance():
    card = _bank().statement(SCRIPT)

    page = card._repr_html_()

    assert "<script>" not in page
    assert "奉献积分卡" in page
    assert ">1000<" in page  # the closing balance


def test_html_times_are_shown_in_the_table_zone():
    fact = service("f1")
    moved = attrs.evolve(fact, at=fact.at.astimezone(UTC), end=fact.end.astimezone(UTC))

    assert "2026-03-05 09:00" in FactTable([moved])._repr_html_()
    assert "2026-03-05 01:00" in FactTable([moved], tz="UTC")._repr_html_()
