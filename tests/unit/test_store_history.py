import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from han_home.shared.energy.calendar import HALF_HOUR, Period, local_date, period_bounds_utc
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind, Source
from han_home.shared.store.history import (
    METER_PROFILE,
    PAGE_CACHE_KIB,
    GapRow,
    HalfHourRow,
    HistoryStore,
    StoreError,
)
from han_home.shared.store.migrations import LATEST_VERSION, MIGRATIONS

D = Decimal
E, G = Fuel.ELECTRICITY, Fuel.GAS
RATE = D("0.2457")


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = HistoryStore(tmp_path / "history.db")
    yield s
    s.close()


def day_rows(day: date, kwh_of) -> list[HalfHourRow]:  # type: ignore[no-untyped-def]
    start, end = period_bounds_utc(day, Period.DAY)
    rows = []
    t, i = start, 0
    while t < end:
        kwh = kwh_of(i)
        rows.append(HalfHourRow(t, kwh, kwh * RATE))
        t, i = t + HALF_HOUR, i + 1
    return rows


# -- opening, migrations, refusing files --------------------------------------------------


def test_new_db_is_latest_and_wal(tmp_path: Path) -> None:
    s = HistoryStore(tmp_path / "new.db")
    assert s.schema_version == LATEST_VERSION == len(MIGRATIONS)
    assert s.journal_mode == "wal"
    s.close()
    with sqlite3.connect(tmp_path / "new.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_page_cache_is_bounded_writable_or_read_only(tmp_path: Path) -> None:
    """SQLite's default 2 MiB page cache a connection, filled by a first start's backfill,
    stayed with the display for good (issue 7 part 6): every open bounds it."""
    path = tmp_path / "bounded.db"
    for readonly in (False, True):
        s = HistoryStore(path, readonly=readonly)
        try:
            assert s._conn.execute("PRAGMA cache_size").fetchone()[0] == -PAGE_CACHE_KIB
            assert 64 <= PAGE_CACHE_KIB <= 512
        finally:
            s.close()


def test_migrates_from_version_0_and_1_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute(
        "INSERT INTO half_hours VALUES"
        " ('electricity', ?, '2026-01-05', 1500000, 367500000, NULL, NULL)",
        (int(utc(2026, 1, 5, 12).timestamp()),),
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    with HistoryStore(path) as s:
        assert s.schema_version == LATEST_VERSION
        [total] = s.aggregate(E, Period.DAY)
        assert (total.period, total.kwh, total.cost_gbp) == ("2026-01-05", D("1.5"), D("0.3675"))
        assert s.latest_readings() == [] and s.devices() == []


def test_future_version_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE x (y)")
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        HistoryStore(path)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as raw2:
        assert raw2.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_garbage_file_refused_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"this is my shopping list, not a database\n" * 50
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        HistoryStore(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


# -- half-hours and aggregates ------------------------------------------------------------


def test_upsert_by_fuel_and_start(store: HistoryStore) -> None:
    t = utc(2026, 2, 1, 10)
    store.add_half_hours(E, [HalfHourRow(t, D("1.0"), D("0.25"))])
    store.add_half_hours(E, [HalfHourRow(t, D("2.5"), D("0.5"))])
    store.add_half_hours(G, [HalfHourRow(t, D("9"), D("0.6"), D("0.8"), D("39.1"))])
    assert store.half_hours(E, t, t + HALF_HOUR) == [HalfHourRow(t, D("2.5"), D("0.5"))]
    [day] = store.aggregate(E, Period.DAY)
    assert (day.kwh, day.cost_gbp) == (D("2.5"), D("0.5"))
    [gas] = store.half_hours(G, t, t + HALF_HOUR)
    assert (gas.m3, gas.cv) == (D("0.8"), D("39.1"))


def test_money_kept_to_nano_pounds(store: HistoryStore) -> None:
    t = utc(2026, 2, 1, 10)
    store.add_half_hours(E, [HalfHourRow(t, D("0.123457"), D("0.123457") * D("0.24567"))])
    [row] = store.half_hours(E, t, t + HALF_HOUR)
    assert row.cost_gbp == D("0.030329681")  # 0.03032968119 rounded to 9 dp
    assert row.kwh == D("0.123457")


def test_rejects_unaligned_start_alone(store: HistoryStore) -> None:
    good = HalfHourRow(utc(2026, 1, 1, 10, 0), D(1), D(1))
    result = store.add_half_hours(E, [HalfHourRow(utc(2026, 1, 1, 10, 15), D(1), D(1)), good])
    assert result.stored == 1
    [(row, reason)] = result.rejected
    assert "not on :00 or :30" in reason
    assert store.half_hours(E, utc(2026, 1, 1), utc(2026, 1, 2)) == [good]


def test_one_unstorable_value_does_not_lose_the_batch(store: HistoryStore) -> None:
    """A value too large for SQLite's INTEGER once failed the whole batch."""
    t = utc(2026, 3, 2, 0)
    rows = [HalfHourRow(t + i * HALF_HOUR, D("0.25"), D("0.05")) for i in range(4)]
    rows[2] = HalfHourRow(rows[2].start_utc, D("0.25"), D(10) ** 12)  # cost beyond int64
    rows.append(HalfHourRow(t + 4 * HALF_HOUR, D("921000000"), D(0)))  # 921 million kWh
    rows.append(HalfHourRow(t + 5 * HALF_HOUR, D("-1"), D(0)))
    rows.append(HalfHourRow(t + 6 * HALF_HOUR, D("NaN"), D(0)))
    result = store.add_half_hours(E, rows)
    assert result.stored == 3
    reasons = [reason for _, reason in result.rejected]
    assert len(reasons) == 4 and any("too large to store" in r for r in reasons)
    [day] = store.aggregate(E, Period.DAY, date(2026, 3, 2), date(2026, 3, 2))
    assert day.kwh == D("0.75")


def test_gaps_count_in_day_totals_and_are_marked(store: HistoryStore) -> None:
    t = utc(2026, 3, 3, 8)
    store.add_half_hours(
        E,
        [HalfHourRow(t, D("0.5"), D("0.1")),
         HalfHourRow(t + HALF_HOUR, D("0.25"), D("0.05"), source=METER_PROFILE)],
        gaps=[GapRow(t + timedelta(hours=2), t + timedelta(hours=5), D(3), None),
              GapRow(t + timedelta(hours=6), t + timedelta(hours=7), D(1), D("0.20"))],
    )
    [day] = store.aggregate(E, Period.DAY, date(2026, 3, 3), date(2026, 3, 3))
    assert day.kwh == D("4.75")
    assert (day.gap_kwh, day.unpriced_kwh, day.meter_kwh) == (D(4), D(3), D("0.25"))
    assert day.cost_gbp == D("0.35")  # the unpriced gap adds no invented money
    [gap, _] = store.gaps(E, t, t + timedelta(days=1))
    assert (gap.kwh, gap.cost_gbp) == (D(3), None)


def test_accounting_state_is_written_with_its_half_hours(store: HistoryStore) -> None:
    t = utc(2026, 3, 4, 8)
    state = {"last_time": t.isoformat(), "last_value": "100.5"}
    store.add_half_hours(E, [HalfHourRow(t, D(1), D(0))], state=state)
    assert store.accounting_state(E) == state
    assert store.accounting_state(G) is None


def test_aggregates_across_clock_changes(store: HistoryStore) -> None:
    days = [date(2026, 3, 28) + timedelta(days=i) for i in range(3)]
    days += [date(2026, 10, 24) + timedelta(days=i) for i in range(3)]
    expected_kwh: dict[str, Decimal] = defaultdict(Decimal)
    expected_cost: dict[str, Decimal] = defaultdict(Decimal)
    count: dict[str, int] = defaultdict(int)
    for day in days:
        rows = day_rows(day, lambda i: D("0.137") + D("0.001") * i)
        store.add_half_hours(E, rows)
        store.set_standing_charge(E, day, D("0.6013"))
        for r in rows:
            key = local_date(r.start_utc).isoformat()
            expected_kwh[key] += r.kwh
            expected_cost[key] += r.cost_gbp
            count[key] += 1
    assert count["2026-03-29"] == 46 and count["2026-10-25"] == 50

    by_day = {t.period: t for t in store.aggregate(E, Period.DAY)}
    assert sorted(by_day) == sorted(d.isoformat() for d in days)
    assert by_day["2026-03-29"].hours == 23
    assert by_day["2026-10-25"].hours == 25
    assert by_day["2026-10-26"].hours == 24
    for key, total in by_day.items():
        assert total.kwh == expected_kwh[key]
        assert total.cost_gbp == expected_cost[key]  # 7 dp: exact at 1e-9 GBP
        assert total.standing_charge_gbp == D("0.6013")
        assert total.m3 is None and total.cv is None
    # 46 half-hours on the short day: sum of 0.137 + 0.001 i, i = 0..45
    assert by_day["2026-03-29"].kwh == 46 * D("0.137") + D("0.001") * (45 * 46 // 2)

    weeks = {t.period: t for t in store.aggregate(E, Period.WEEK)}
    # 28, 29 Mar are in the week of Mon 23 Mar; 30 Mar starts a new week. 24, 25 Oct -> 19 Oct.
    assert sorted(weeks) == ["2026-03-23", "2026-03-30", "2026-10-19", "2026-10-26"]
    assert weeks["2026-03-23"].hours == 167 and weeks["2026-10-19"].hours == 169
    assert weeks["2026-03-23"].kwh == expected_kwh["2026-03-28"] + expected_kwh["2026-03-29"]
    assert weeks["2026-03-23"].standing_charge_gbp == D("1.2026")

    months = {t.period: t for t in store.aggregate(E, Period.MONTH)}
    assert months["2026-03"].hours == 743 and months["2026-10"].hours == 745
    assert months["2026-10"].kwh == sum(expected_kwh[f"2026-10-{d}"] for d in (24, 25, 26))

    [year] = store.aggregate(E, Period.YEAR)
    assert (year.period, year.hours) == ("2026", 8760)
    assert year.kwh == sum(expected_kwh.values())
    assert year.cost_gbp == sum(expected_cost.values())
    assert year.standing_charge_gbp == 6 * D("0.6013")
    assert year.total_gbp == year.cost_gbp + year.standing_charge_gbp


def test_aggregate_range_selects_whole_periods(store: HistoryStore) -> None:
    for day in (date(2026, 10, 1), date(2026, 10, 25), date(2026, 11, 2)):
        store.add_half_hours(E, day_rows(day, lambda i: D("0.1")))
    [only] = store.aggregate(E, Period.DAY, date(2026, 10, 25), date(2026, 10, 25))
    assert (only.period, only.kwh) == ("2026-10-25", D("5.0"))
    # a range starting mid-October still reports the whole of October
    months = store.aggregate(E, Period.MONTH, date(2026, 10, 20), date(2026, 10, 31))
    assert [(m.period, m.kwh, m.hours) for m in months] == [("2026-10", D("9.8"), 745)]


def test_gas_volume_and_weighted_cv(store: HistoryStore) -> None:
    t = utc(2026, 1, 10, 8)
    store.add_half_hours(G, [
        HalfHourRow(t, D("11.36"), D("0.7"), D("1"), D("39")),
        HalfHourRow(t + HALF_HOUR, D("34.9"), D("2.1"), D("3"), D("40")),
        HalfHourRow(t + 2 * HALF_HOUR, D(0), D(0), D(0), None),
    ])
    [total] = store.aggregate(G, Period.DAY)
    assert total.m3 == D(4)
    assert total.cv == D("39.750")  # (1 x 39 + 3 x 40) / 4
    assert total.kwh == D("46.26")


def test_standing_charge_only_day_appears(store: HistoryStore) -> None:
    store.set_standing_charge(G, date(2026, 1, 3), D("0.31"))
    store.set_standing_charge(G, date(2026, 1, 3), D("0.32"))  # replaced, not added
    [total] = store.aggregate(G, Period.DAY)
    assert (total.period, total.kwh, total.standing_charge_gbp) == ("2026-01-03", 0, D("0.32"))


def test_half_hours_range(store: HistoryStore) -> None:
    rows = day_rows(date(2026, 10, 25), lambda i: D(i))
    store.add_half_hours(E, rows)
    got = store.half_hours(E, utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2))
    # 00:30, 01:00, 01:30 UTC = 01:30 BST, 01:00 GMT, 01:30 GMT: the repeated local hour
    assert [r.start_utc for r in got] == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1),
                                          utc(2026, 10, 25, 1, 30)]
    assert [r.kwh for r in got] == [D(3), D(4), D(5)]


def test_prune_keeps_13_months(store: HistoryStore) -> None:
    old = utc(2025, 2, 28, 12)
    kept = utc(2025, 3, 1, 0)
    store.add_half_hours(E, [HalfHourRow(old, D(1), D(1)), HalfHourRow(kept, D(2), D(2))])
    store.set_standing_charge(E, date(2025, 2, 28), D("0.5"))
    assert store.prune(now=utc(2026, 4, 15)) == 1
    assert [t.period for t in store.aggregate(E, Period.DAY)] == ["2025-03-01"]
    with pytest.raises(ValueError):
        store.prune(keep_months=12)


# -- latest readings and devices ----------------------------------------------------------


def test_latest_readings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    first = Reading(
        device="00:1b:c5:0c:00:00:00:01", fuel=E, kind=ReadingKind.TIER_SUMMATION,
        value=D("12345.678"), unit="kWh", received=utc(2026, 5, 1, 9, 0, 0, 123456),
        meter_time=utc(2026, 5, 1, 8, 59, 58), tier=2, extra={"raw": "12345678"},
    )
    message = Reading(
        device="00:1b:c5:0c:00:00:00:01", fuel=E, kind=ReadingKind.MESSAGE, value=D(0),
        unit="", received=utc(2026, 5, 1, 9), source=Source.ESTIMATE, text="Croeso / Welcome",
    )
    with HistoryStore(path) as s:
        s.save_reading(first)
        s.save_reading(message)
        newer = Reading(**{**{f: getattr(first, f) for f in first.__slots__},  # type: ignore[arg-type]
                           "value": D("12346.001"), "received": utc(2026, 5, 1, 9, 0, 10)})
        s.save_reading(newer)
        tier1 = Reading(**{**{f: getattr(first, f) for f in first.__slots__},  # type: ignore[arg-type]
                           "tier": 1, "value": D("7")})
        s.save_reading(tier1)
    with HistoryStore(path) as s:
        got = s.latest_readings()
    assert len(got) == 3
    assert newer in got and tier1 in got and message in got
    restored = got[got.index(newer)]
    assert restored.extra == {"raw": "12345678"}
    assert restored.received.tzinfo is not None
    assert restored.age_seconds(utc(2026, 5, 1, 9, 1, 10)) == 60


def test_devices_upsert(store: HistoryStore) -> None:
    eui = "00:1b:c5:0c:00:00:00:02"
    store.upsert_device(eui, role="gsme", install_state="joined", first_joined=utc(2026, 1, 2),
                        last_seen=utc(2026, 1, 2), lqi=200, rssi=-60)
    store.upsert_device(eui, last_seen=utc(2026, 1, 3), lqi=180, first_joined=utc(2026, 1, 5))
    store.upsert_device(eui, label="Gas meter")
    [dev] = store.devices()
    assert dev.role == "gsme" and dev.install_state == "joined" and dev.label == "Gas meter"
    assert dev.first_joined == utc(2026, 1, 2)  # earliest kept
    assert dev.last_seen == utc(2026, 1, 3)
    assert (dev.lqi, dev.rssi) == (180, -60)


def test_a_version_3_database_keeps_its_history_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    raw = sqlite3.connect(path)
    for step in MIGRATIONS[:3]:
        for statement in step:
            raw.execute(statement)
    raw.execute("INSERT INTO half_hours VALUES ('electricity', 1772438400, '2026-03-02',"
                " 500000, 100000000, NULL, NULL)")
    raw.execute("INSERT INTO daily_totals VALUES ('electricity', '2026-03-02', 500000,"
                " 100000000, NULL, NULL, NULL)")
    raw.execute("PRAGMA user_version = 3")
    raw.commit()
    raw.close()
    with HistoryStore(path) as store:
        assert store.schema_version == LATEST_VERSION
        [day] = store.aggregate(E, Period.DAY, date(2026, 3, 2), date(2026, 3, 2))
        assert (day.kwh, day.cost_gbp, day.gap_kwh) == (D("0.5"), D("0.1"), D(0))
        [row] = store.half_hours(E, utc(2026, 3, 2), utc(2026, 3, 3))
        assert row.source == "display"
