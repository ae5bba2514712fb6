"""Points bank benchmark: ``Ledger.verify()`` against a plain balance loop.

``verify()`` recomputes every balance from the entries, checks every
transaction's zero sum, every reversal, and the whole hash chain (one
SHA-256 per record).  The baseline is the least a checker could do: a plain
Python loop that only recomputes the balances from the same records.  The
issue's target: ``verify()`` of 10⁶ entries costs at most 3× that loop.

The ledger is a year of a city's points bank: bookings of scored postings
(issuer → member), deductions, redemptions at merchants and a few
reversals, every transaction of two entries, 20,000 members.

Run ``python benchmarks/ledger.py`` (``--entries 200000`` for a quick look).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from harness import Table, best_of
from redcity.points import Account, Entry, Ledger, LedgerRecord, Transaction

CST = timezone(timedelta(hours=8))


def plain_balances(records: Sequence[LedgerRecord]) -> dict[Account, int]:
    """The baseline: every account's balance, summed in a plain loop."""
    totals: defaultdict[Account, int] = defaultdict(int)
    for record in records:
        for entry in record.transaction.entries:
            totals[entry.account] += entry.amount
    return totals


def build(n_entries: int, *, seed: int = 0, members: int = 20_000) -> Ledger:
    """A ledger of ``n_entries`` entries (two per transaction)."""
    rng = random.Random(seed)
    people = [Account.member(f"m{i:05d}") for i in range(members)]
    issuers = [Account.issuer(f"org-{i:02d}") for i in range(50)]
    merchants = [Account.merchant(f"shop-{i:02d}") for i in range(20)]
    start = datetime(2026, 1, 1, 8, tzinfo=CST)
    n = n_entries // 2
    held = [0] * members
    awards: list[Transaction] = []
    reversed_ids: set[str] = set()
    txs: list[Transaction] = []
    for k in range(n):
        at = start + timedelta(seconds=k * 31_536_000 // n)
        i = rng.randrange(members)
        roll = rng.random()
        if roll < 0.10 and held[i] > 0:  # a redemption the balance covers
            points = rng.randint(1, held[i])
            held[i] -= points
            entries = (Entry(people[i], -points), Entry(rng.choice(merchants), points))
            txs.append(Transaction(f"redeem-{k}", at, entries, memo="兑换"))
        elif roll < 0.13:  # a deduction
            points = rng.randint(1, 10)
            held[i] -= points
            entries = (Entry(people[i], -points), Entry(rng.choice(issuers), points))
            txs.append(Transaction(f"deduct-{k}", at, entries, memo="扣分"))
        elif roll < 0.131 and awards:  # a reversal of an earlier award
            target = awards[rng.randrange(len(awards))]
            if target.id in reversed_ids:
                continue
            reversed_ids.add(target.id)
            mirrored = tuple(Entry(e.account, -e.amount) for e in target.entries)
            txs.append(
                Transaction(f"fix-{k}", at, mirrored, memo="冲正", reverses=target.id)
            )
        else:  # a booked posting
            points = rng.randint(1, 50)
            held[i] += points
            txs.append(_award(k, at, people[i], rng.choice(issuers), points))
            awards.append(txs[-1])
    bank = Ledger()
    bank.post_many(txs)
    return bank


def _award(
    k: int, at: datetime, member: Account, issuer: Account, points: int
) -> Transaction:
    return Transaction(
        f"posting:f{k}:service-hours",
        at,
        (Entry(issuer, -points), Entry(member, points)),
        memo=f"志愿服务，得{points}分。",
        memo_en=f"Service: {points} points.",
        source=f"f{k}",
    )


def bench(table: Table, *, n_entries: int = 1_000_000, seed: int = 0) -> None:
    print(f"[{n_entries:,} entries] building the ledger", file=sys.stderr)
    began = time.perf_counter()
    bank = build(n_entries, seed=seed)
    built = time.perf_counter() - began
    records = bank.records
    entries = sum(len(r.transaction.entries) for r in records)
    print(
        f"[{entries:,} entries] built {len(bank):,} transactions in {built:.1f} s "
        f"({built / len(bank) * 1e6:.1f} µs each, hashing included)",
        file=sys.stderr,
    )
    assert plain_balances(records) == bank.balances()
    report = bank.verify()
    assert report.ok, report.problems[:3]
    assert entries == report.entries

    print(f"[{entries:,} entries] verify vs plain loop", file=sys.stderr)
    repeat = 3
    theirs = best_of(repeat, lambda: plain_balances(records))
    ours = best_of(repeat, bank.verify)
    table.cost("ledger verify() vs plain balance loop", entries, ours, theirs, 3)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_entries=args.entries, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
