"""Hypothesis strategies for the monthly closed loop (:mod:`redcity.meetings.cycle`).

Re-exported from :mod:`redcity.testing.strategies`: :func:`topics`, lists of
:class:`~redcity.meetings.cycle.Topic` records on a given tree, with
distinct ids, every node at or below a community, and a lawful life
(resolved no earlier than collected, fed back no earlier than resolved).
Many moments fall within an hour and a half of a month boundary in
Asia/Shanghai, where a month's figures are easiest to get wrong, and
zones other than Shanghai's are drawn too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.grid import GridTree, Level
from redcity.meetings.cycle import Topic
from redcity.meetings.matters import AffairKind
from redcity.meetings.records import SourceKind
from redcity.testing._checks import check_size as _check_size

__all__ = ["topics"]

_CST = timezone(timedelta(hours=8), "CST")
_ZONES = (_CST, UTC, timezone(timedelta(hours=-5)))
_TITLES = ("路灯不亮", "飞线充电", "楼道堆物", "停车难", "电梯维修", "广场噪音")
_SOURCES = tuple(s for s in SourceKind if s is not SourceKind.CARRIED_OVER)
_MINUTES_A_YEAR = 365 * 24 * 60


def _eligible(tree: GridTree) -> tuple[str, ...]:
    """Nodes at or below a community, in tree order."""
    return tuple(n for n in tree if tree.ancestor(n, Level.COMMUNITY) is not None)


def _moment(year: int) -> st.SearchStrategy[datetime]:
    """A moment of ``year`` (Shanghai time): anywhere, or near a month boundary."""
    anywhere = st.integers(0, _MINUTES_A_YEAR - 1).map(
        lambda m: datetime(year, 1, 1, tzinfo=_CST) + timedelta(minutes=m)
    )
    boundary = st.tuples(st.integers(2, 12), st.integers(-90, 90)).map(
        lambda mo: datetime(year, mo[0], 1, tzinfo=_CST) + timedelta(minutes=mo[1])
    )
    return st.one_of(boundary, anywhere)


@st.composite
def _topic(draw: st.DrawFn, topic_id: str, nodes: tuple[str, ...], year: int) -> Topic:
    zone = draw(st.sampled_from(_ZONES))
    collected = draw(_moment(year)).astimezone(zone)
    resolved = feedback = None
    if draw(st.booleans()):
        resolved = collected + timedelta(minutes=draw(st.integers(0, 120 * 24 * 60)))
        if draw(st.booleans()):
            feedback = resolved + timedelta(minutes=draw(st.integers(0, 30 * 24 * 60)))
    return Topic(
        id=topic_id,
        node_id=draw(st.sampled_from(nodes)),
        collected_at=collected,
        title=draw(st.sampled_from(_TITLES)),
        source=draw(st.sampled_from(_SOURCES)),
        affair=draw(st.none() | st.sampled_from(tuple(AffairKind))),
        meeting_ids=draw(
            st.lists(st.integers(1, 12).map("m{:02d}".format), max_size=2, unique=True)
        ),
        resolved_at=resolved,
        feedback_at=feedback,
    )


def topics(
    tree: GridTree, *, min_size: int = 0, max_size: int = 20, year: int = 2026
) -> st.SearchStrategy[list[Topic]]:
    """Lists of valid topics on ``tree``, ids ``t0``, ``t1`` … in order.

    Collection falls in ``year`` (Shanghai time); a topic is open or
    resolved up to 120 days later, and a resolved one fed back up to 30
    days after that, or not yet.  Shrinks toward few topics, the first
    node, and open topics.

    Args:
        tree: The tree whose nodes the topics sit on; it needs a community
            unless ``max_size`` is 0.
        min_size: Fewest topics.
        max_size: Most topics.
        year: The year of collection, 2000–2100.

    Raises:
        hypothesis.errors.InvalidArgument: bad sizes or year, or
            ``min_size > 0`` on a tree with no community.

    >>> from hypothesis import given
    >>> from redcity.datasets import zunyi
    >>> @given(topics(zunyi(), max_size=5))
    ... def test_collected_first(ts):
    ...     assert all(t.resolved_at is None or t.resolved_at >= t.collected_at
    ...                for t in ts)
    >>> test_collected_first()
    """
    if not isinstance(tree, GridTree):
        msg = f"Expected tree to be a GridTree, got {tree!r}."
        raise InvalidArgument(msg)
    _check_size("size", min_size, max_size)
    if type(year) is not int or not 2000 <= year <= 2100:
        msg = f"Expected year to be a whole number from 2000 to 2100, got {year!r}."
        raise InvalidArgument(msg)
    nodes = _eligible(tree)
    if not nodes:
        if min_size > 0:
            msg = (
                f"Expected a tree with a community for min_size={min_size}, got one "
                "with none; topics sit at or below a community."
            )
            raise InvalidArgument(msg)
        return st.just([])

    @st.composite
    def build(draw: st.DrawFn) -> list[Topic]:
        n = draw(st.integers(min_size, max_size))
        return [draw(_topic(f"t{k}", nodes, year)) for k in range(n)]

    return build()
