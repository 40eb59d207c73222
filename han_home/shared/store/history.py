"""SQLite history of half-hourly energy and cost, standing charges, latest readings, devices.

WAL + synchronous=NORMAL: a crash loses at most the last commits, never corrupts. Energy,
cost and volume are exact integers in fine units (see migrations.py) so SQL SUMs are exact;
they become Decimal only at this module's edge. A connection belongs to the thread that
opened the store (use AsyncHistory from async code).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from han_home.shared.energy.calendar import (
    Period,
    local_date,
    local_midnight_utc,
    next_period_start_date,
    period_start_date,
)
from han_home.shared.energy.calendar import hours_in_period as _hours_in_period
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind, Source
from han_home.shared.i18n import _
from han_home.shared.private_files import create_private
from han_home.shared.store.migrations import LATEST_VERSION, MIGRATIONS

_SQLITE_MAGIC = b"SQLite format 3\x00"
_CV_PLACES = Decimal("0.001")  # CVs are stored to 3 dp
_MIN_KEEP_MONTHS = 13  # meters hold 13 months of half-hours; the display keeps as much
# SQLite application_id of a history database: which program created (and writes) it
# SQLite's page cache per connection, KiB (its default is 2 MiB). A first start's 13-month
# backfill filled all of it with pages it never reads again; given back afterwards, the
# memory stayed with the history thread's malloc arena, so the display kept ~1.5 MiB more
# for good. The writes and the display's queries walk a few B-tree paths: the backfill
# and the usage screens' queries take as long with this.
PAGE_CACHE_KIB = 256
APP_ID_GATEWAY = 0x48414E47  # "HANG": han-gateway
APP_ID_DISPLAY = 0x48414E44  # "HAND": ihd-app

# SQL giving a period key from a 'YYYY-MM-DD' column. Week: back 6 days, then forward to the
# next Monday (SQLite's 'weekday 1' leaves a Monday where it is) = this week's Monday.
_KEY_SQL: dict[Period, str] = {
    Period.DAY: "local_day",
    Period.WEEK: "date(local_day, '-6 days', 'weekday 1')",
    Period.MONTH: "substr(local_day, 1, 7)",
    Period.YEAR: "substr(local_day, 1, 4)",
}


class StoreError(Exception):
    """The history database cannot be used (not SQLite, newer schema, ...)."""


MEASURED = "display"  # split into half-hours by this display from the meter's registers
METER_PROFILE = "meter"  # the meter's own half-hourly profile (GetProfile)
# A storage sanity bound, far above any home (a 100 A supply gives 11.5 kWh a half-hour):
# plausibility is the register guard's job, this only keeps one absurd row out.
MAX_HALF_HOUR_KWH = Decimal(10_000)
_INT64 = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class HalfHourRow:
    """One half-hour of one fuel: its energy, cost (if priced) and, for gas, volume and CV."""

    start_utc: datetime  # aware, on a :00/:30 boundary
    kwh: Decimal
    cost_gbp: Decimal | None  # None: no tariff was known for this half-hour
    m3: Decimal | None = None  # gas: metered volume
    cv: Decimal | None = None  # gas: calorific value used, MJ/m3
    source: str = MEASURED


@dataclass(frozen=True, slots=True)
class GapRow:
    """Energy across a gap the meter's profile could not fill: one interval, not spread."""

    start_utc: datetime  # the last reading before the gap
    end_utc: datetime  # the first reading after it (the gap counts on this local day)
    kwh: Decimal
    cost_gbp: Decimal | None  # None when the rate changed inside the gap: not priced
    m3: Decimal | None = None
    cv: Decimal | None = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What add_half_hours stored, and each row it refused with the reason."""

    stored: int
    rejected: list[tuple[HalfHourRow, str]]


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A supplier message as kept in the history database."""

    device: str
    message_id: str
    text: str
    received: datetime
    meter_time: datetime | None
    language: str  # en | cy | und
    read: bool


@dataclass(frozen=True, slots=True)
class StoredTopUp:
    """A top-up the meter applied, as kept in the history database."""

    device: str  # the meter's EUI-64, hex
    applied_at: datetime  # by the meter's signed answer
    amount_gbp: Decimal
    role: str  # who made it: a security.profiles.Role value
    organisation: str


@dataclass(frozen=True, slots=True)
class PeriodTotal:
    """Totals of one fuel over one local day, week, month or year."""

    period: str  # period key: '2026-10-25', week's Monday '2026-10-19', '2026-10', '2026'
    hours: int  # hours in the whole local period (23/24/25 a day), not clipped to data
    kwh: Decimal
    cost_gbp: Decimal  # energy cost only; standing charge is separate
    standing_charge_gbp: Decimal
    m3: Decimal | None  # None when no row in the period had a volume (electricity)
    # Volume-weighted mean CV (sum(m3 x cv) / sum(m3)): the CV that turns the period's m3 into
    # its kWh. None when no volume with a CV was recorded.
    cv: Decimal | None
    gap_kwh: Decimal = Decimal(0)  # of kwh: measured across gaps, not by half-hour
    # of kwh: not in cost_gbp (no tariff known, or rates changed inside a gap); a cost with
    # unpriced energy behind it is not the period's cost and must not be shown as such
    unpriced_kwh: Decimal = Decimal(0)
    meter_kwh: Decimal = Decimal(0)  # of kwh: from the meter's own half-hourly profile

    @property
    def total_gbp(self) -> Decimal:
        return self.cost_gbp + self.standing_charge_gbp


@dataclass(frozen=True, slots=True)
class DeviceRow:
    """A device the store knows: its EUI-64, role and install state."""

    eui64: str
    role: str | None = None
    install_state: str | None = None
    first_joined: datetime | None = None
    last_seen: datetime | None = None
    lqi: int | None = None
    rssi: int | None = None
    label: str | None = None


def _to_fine(value: Decimal, digits: int = 6) -> int:
    # Round half-even to the stored resolution (1e-6 kWh, 1e-9 GBP, 1e-3 MJ/m3).
    return int(Decimal(value).scaleb(digits).to_integral_value(rounding=ROUND_HALF_EVEN))


def _checked_fine(value: Decimal, digits: int, what: str) -> int:
    """The stored integer, or ValueError naming the value if it cannot be stored."""
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} {value} is not a number")
    fine = _to_fine(value, digits)
    if abs(fine) > _INT64:
        raise ValueError(f"{what} {value} is too large to store")
    return fine


def _from_fine(value: int | None, digits: int = 6) -> Decimal | None:
    # scaleb is an exact decimal shift (and much faster than dividing by 10**6).
    return None if value is None else Decimal(value).scaleb(-digits)


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt!r}: store aware UTC times")
    return dt.astimezone(UTC).isoformat()


def _from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@lru_cache(maxsize=4096)
def _period_hours(key: str, by: Period) -> int:
    return _hours_in_period(key, by)


def _check_is_sqlite(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it (so nothing is written)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as f:
        head = f.read(100)
    if head[: len(_SQLITE_MAGIC)] != _SQLITE_MAGIC:
        raise StoreError(_("%(path)s is not a SQLite database (refusing to open or change it).")
                         % {"path": path})


def database_owner(path: Path) -> int:
    """The SQLite application_id in the file's header (0 if none, or not readable): which
    program created the history database (APP_ID_GATEWAY, APP_ID_DISPLAY). Read from the
    bytes, so looking never writes."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError:
        return 0
    if len(head) < 72 or head[: len(_SQLITE_MAGIC)] != _SQLITE_MAGIC:
        return 0
    return int.from_bytes(head[68:72], "big")


def _check_access(path: Path, *, readonly: bool, create: bool) -> None:
    """Refuse up front what SQLite would only fail on at the first write (or never say)."""
    p = {"path": path, "folder": path.parent}
    if path.is_dir():
        raise StoreError(_("%(path)s is a folder, not a history database.") % p)
    if not path.exists():
        if not create:
            raise StoreError(_("No history database at %(path)s.") % p)
        if not path.parent.is_dir():
            raise StoreError(_("Cannot create the history database %(path)s: the folder "
                               "%(folder)s does not exist.") % p)
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise StoreError(_("Cannot create the history database %(path)s: the folder "
                               "%(folder)s is read-only.") % p)
        return
    if not path.is_file():
        raise StoreError(_("%(path)s is not a file, so it cannot be a history database.") % p)
    if not os.access(path, os.R_OK):
        raise StoreError(_("Cannot read the history database %(path)s: you do not have "
                           "permission to read it.") % p)
    if readonly:
        return
    if not os.access(path, os.W_OK):
        raise StoreError(_("The history database %(path)s is read-only, and new readings "
                           "must be written to it: make it writable or choose another file."
                           ) % p)
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(_("The folder %(folder)s is read-only: SQLite must write its journal "
                           "next to the history database %(path)s.") % p)


def _user_tables(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}


# Tables each schema version has (a file claiming a version must have them).
_TABLES_OF_VERSION = {1: {"half_hours", "standing_charges"},
                      2: {"half_hours", "standing_charges", "latest_readings", "devices"},
                      3: {"half_hours", "standing_charges", "latest_readings", "devices",
                          "daily_totals"},
                      4: {"half_hours", "standing_charges", "latest_readings", "devices",
                          "daily_totals", "accounting_state", "gaps"},
                      6: {"half_hours", "standing_charges", "latest_readings", "devices",
                          "daily_totals", "accounting_state", "gaps", "messages", "top_ups"}}


def _inspect(path: Path, *, quick_check: bool = True) -> int:
    """Schema version of an existing file, read on a read-only connection (nothing is
    written, not even the journal mode); StoreError if this is not our history database.
    ``quick_check=False`` skips only the page-level integrity scan (``PRAGMA quick_check``,
    ~10 ms on a year of history): for a file this process has just checked."""
    p = {"path": path}
    uri = "file:" + quote(str(path.absolute())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(_("Cannot open the history database %(path)s.") % p) from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = _user_tables(conn)
        # A damaged file is never believed: totals read from it could be plausible nonsense.
        damaged = quick_check and [row[0] for row in conn.execute(
            "PRAGMA quick_check(5)")] != ["ok"]
    except sqlite3.DatabaseError as exc:
        raise StoreError(_("%(path)s is damaged, or is not a history database: the file is "
                           "untouched.") % p) from exc
    finally:
        conn.close()
    if damaged:
        raise StoreError(_("%(path)s is damaged, so no figures are read from it. Move it aside "
                           "(rename it) to start afresh: the meters' own half-hours will fill "
                           "the history again.") % p)
    if version > LATEST_VERSION:
        raise StoreError(_("%(path)s has schema version %(version)d, newer than this program "
                           "understands (%(latest)d): upgrade the program; the file is "
                           "untouched.") % {"path": path, "version": version,
                                             "latest": LATEST_VERSION})
    wanted = _TABLES_OF_VERSION.get(version, set())
    if (version == 0 and tables) or not wanted <= tables:
        raise StoreError(_("%(path)s is a SQLite database, but not a history database of this "
                           "program (refusing to open or change it).") % p)
    return version


class HistoryStore:
    """The history database. ``readonly`` opens it without ever writing (a display showing
    a gateway's history); ``owner`` marks a new file with the creating program's id.
    ``integrity_checked``: this process has just opened the file with the full check (the
    display's start-up check), so the integrity scan is not run again; every other check
    (access, header, schema version, tables) still is."""

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True,
                 owner: int | None = None, integrity_checked: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        _check_access(self.path, readonly=readonly, create=create and not readonly)
        _check_is_sqlite(self.path)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        version = 0 if is_new else _inspect(self.path, quick_check=not integrity_checked)
        if readonly and version != LATEST_VERSION:
            raise StoreError(_("%(path)s has an older schema (version %(version)d) and is open "
                               "read-only, so it cannot be upgraded: let the program that "
                               "writes it open it first.") % {"path": self.path,
                                                              "version": version})
        try:
            if readonly:
                uri = "file:" + quote(str(self.path.absolute())) + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                create_private(self.path)  # 0600; SQLite gives -wal and -shm the same mode
                conn = sqlite3.connect(self.path, isolation_level=None)  # explicit transactions
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(_("Cannot open the history database %(path)s.")
                             % {"path": self.path}) from exc
        try:
            if not readonly:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            if not readonly:
                # A new file is marked with its creator; the gateway also claims an unmarked
                # one (made before the mark existed), so a display never writes into it.
                current = int(conn.execute("PRAGMA application_id").fetchone()[0])
                if owner is not None and current == 0 and (
                        version == 0 or owner == APP_ID_GATEWAY):
                    conn.execute(f"PRAGMA application_id = {int(owner)}")
                self._migrate(conn, version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(_("%(path)s is damaged, or is not a history database: the file "
                               "is untouched.") % {"path": self.path}) from exc
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in step:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def journal_mode(self) -> str:
        return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])

    def _write(self, sql_and_params: Iterable[tuple[str, tuple[object, ...]]]) -> None:
        """Run statements in one transaction: all of them land, or none."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in sql_and_params:
                self._conn.execute(sql, params)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def release_memory(self) -> None:
        """Give back the page cache SQLite has filled (PAGE_CACHE_KIB at most) after a large
        write such as a first start's 13-month backfill; it refills with what is read again."""
        self._conn.execute("PRAGMA shrink_memory")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- half-hours -------------------------------------------------------------------------

    def add_half_hours(
        self,
        fuel: Fuel | str,
        rows: Iterable[HalfHourRow],
        *,
        gaps: Iterable[GapRow] = (),
        state: dict[str, object] | None = None,
    ) -> WriteResult:
        """Insert or replace half-hours by (fuel, start), record gaps, and save the
        accounting state, all in one transaction; keeps the daily roll-up in step.

        Each row is checked first: a row that cannot be stored (a naive or misaligned time,
        a negative or absurd value, a number too large for the file) is rejected alone, with
        its reason, and the rest of the batch is stored."""
        fuel = Fuel(fuel)
        params: list[tuple[object, ...]] = []
        rejected: list[tuple[HalfHourRow, str]] = []
        days: set[str] = set()
        for row in rows:
            try:
                params.append(self._half_hour_params(fuel, row))
            except ValueError as exc:
                rejected.append((row, str(exc)))
                continue
            days.add(str(params[-1][2]))
        gap_params = []
        for gap in gaps:
            day = local_date(gap.end_utc).isoformat()
            days.add(day)
            gap_params.append((
                fuel.value, int(gap.start_utc.timestamp()), int(gap.end_utc.timestamp()), day,
                _checked_fine(gap.kwh, 6, "kWh"),
                None if gap.cost_gbp is None else _checked_fine(gap.cost_gbp, 9, "cost"),
                None if gap.m3 is None else _checked_fine(gap.m3, 6, "m3"),
                None if gap.cv is None else _checked_fine(gap.cv, 3, "CV"),
            ))
        if not params and not gap_params and state is None:
            return WriteResult(0, rejected)
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(
                "INSERT OR REPLACE INTO half_hours"
                " (fuel, start_utc, local_day, kwh_e6, cost_e9, m3_e6, cv_e3, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                params,
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO gaps (fuel, start_utc, end_utc, local_day, kwh_e6,"
                " cost_e9, m3_e6, cv_e3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                gap_params,
            )
            self._refresh_days(fuel, days)
            if state is not None:
                self._conn.execute(
                    "INSERT OR REPLACE INTO accounting_state (fuel, state) VALUES (?, ?)",
                    (fuel.value, json.dumps(state, sort_keys=True)),
                )
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return WriteResult(len(params), rejected)

    @staticmethod
    def _half_hour_params(fuel: Fuel, row: HalfHourRow) -> tuple[object, ...]:
        start = row.start_utc
        if start.tzinfo is None:
            raise ValueError(f"naive half-hour start {start!r}")
        epoch = int(start.timestamp())
        if epoch % 1800 or start.microsecond:
            raise ValueError(f"half-hour start {start.isoformat()} is not on :00 or :30")
        if not Decimal(row.kwh).is_finite() or not 0 <= row.kwh <= MAX_HALF_HOUR_KWH:
            raise ValueError(f"{row.kwh} kWh in the half-hour from {start.isoformat()}")
        if row.source not in (MEASURED, METER_PROFILE):
            raise ValueError(f"unknown source {row.source!r}")
        return (
            fuel.value, epoch, local_date(start).isoformat(), _checked_fine(row.kwh, 6, "kWh"),
            None if row.cost_gbp is None else _checked_fine(row.cost_gbp, 9, "cost"),
            None if row.m3 is None else _checked_fine(row.m3, 6, "m3"),
            None if row.cv is None else _checked_fine(row.cv, 3, "CV"),
            row.source,
        )

    def _refresh_days(self, fuel: Fuel, days: Iterable[str]) -> None:
        """Recompute the daily roll-up of these local days from half-hours and gaps."""
        self._conn.executemany(
            "INSERT OR REPLACE INTO daily_totals (fuel, local_day, kwh_e6, cost_e9, m3_e6,"
            " m3cv_e9, m3_with_cv_e6, gap_kwh_e6, meter_kwh_e6, unpriced_kwh_e6)"
            " SELECT fuel, local_day, SUM(kwh_e6), SUM(COALESCE(cost_e9, 0)), SUM(m3_e6),"
            " SUM(m3_e6 * cv_e3), SUM(CASE WHEN cv_e3 IS NOT NULL THEN m3_e6 END),"
            " SUM(gap), SUM(meter), SUM(CASE WHEN cost_e9 IS NULL THEN kwh_e6 ELSE 0 END)"
            " FROM ("
            "  SELECT fuel, local_day, kwh_e6, cost_e9, m3_e6, cv_e3, 0 AS gap,"
            "   CASE WHEN source = 'meter' THEN kwh_e6 ELSE 0 END AS meter"
            "   FROM half_hours WHERE fuel = ? AND local_day = ?"
            "  UNION ALL"
            "  SELECT fuel, local_day, kwh_e6, cost_e9, m3_e6, cv_e3, kwh_e6, 0"
            "   FROM gaps WHERE fuel = ? AND local_day = ?"
            " ) GROUP BY fuel, local_day",
            [(fuel.value, d, fuel.value, d) for d in sorted(days)],
        )

    def accounting_state(self, fuel: Fuel | str) -> dict[str, object] | None:
        row = self._conn.execute(
            "SELECT state FROM accounting_state WHERE fuel = ?", (Fuel(fuel).value,)
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        return data if isinstance(data, dict) else None

    def gaps(self, fuel: Fuel | str, start_utc: datetime, end_utc: datetime) -> list[GapRow]:
        """Gaps that ended in [start_utc, end_utc), oldest first."""
        cur = self._conn.execute(
            "SELECT start_utc, end_utc, kwh_e6, cost_e9, m3_e6, cv_e3 FROM gaps"
            " WHERE fuel = ? AND end_utc >= ? AND end_utc < ? ORDER BY start_utc",
            (Fuel(fuel).value, int(start_utc.timestamp()), int(end_utc.timestamp())),
        )
        return [
            GapRow(
                datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC),
                Decimal(k).scaleb(-6), _from_fine(c, 9), _from_fine(m), _from_fine(cv, 3),
            )
            for s, e, k, c, m, cv in cur
        ]

    def half_hours(
        self, fuel: Fuel | str, start_utc: datetime, end_utc: datetime
    ) -> list[HalfHourRow]:
        """Stored half-hours starting in [start_utc, end_utc), oldest first."""
        cur = self._conn.execute(
            "SELECT start_utc, kwh_e6, cost_e9, m3_e6, cv_e3, source FROM half_hours"
            " WHERE fuel = ? AND start_utc >= ? AND start_utc < ? ORDER BY start_utc",
            (Fuel(fuel).value, int(start_utc.timestamp()), int(end_utc.timestamp())),
        )
        return [
            HalfHourRow(
                start_utc=datetime.fromtimestamp(s, UTC),
                kwh=Decimal(k).scaleb(-6),
                cost_gbp=_from_fine(c, 9),
                m3=_from_fine(m),
                cv=_from_fine(cv, 3),
                source=src,
            )
            for s, k, c, m, cv, src in cur
        ]

    def set_standing_charge(self, fuel: Fuel | str, local_day: date, gbp: Decimal) -> None:
        self._write([(
            "INSERT OR REPLACE INTO standing_charges (fuel, local_day, gbp_e9) VALUES (?, ?, ?)",
            (Fuel(fuel).value, local_day.isoformat(), _to_fine(gbp, 9)),
        )])

    # -- aggregates -------------------------------------------------------------------------

    def aggregate(
        self,
        fuel: Fuel | str,
        by: Period | str,
        start: date | None = None,
        end: date | None = None,
    ) -> list[PeriodTotal]:
        """Totals per local day/week/month/year, oldest first.

        start/end (local dates, inclusive) pick the periods containing them; each period is
        reported whole. Periods with neither usage nor a standing charge are left out.
        """
        by = Period(by)
        first = period_start_date(start, by).isoformat() if start else "0000-01-01"
        last = (
            (next_period_start_date(end, by) - timedelta(days=1)).isoformat()
            if end else "9999-12-31"
        )
        key = _KEY_SQL[by]
        fuel_value = Fuel(fuel).value
        usage = self._conn.execute(
            f"SELECT {key} AS k, SUM(kwh_e6), SUM(cost_e9), SUM(m3_e6), SUM(m3cv_e9),"
            f" SUM(m3_with_cv_e6), SUM(gap_kwh_e6), SUM(unpriced_kwh_e6), SUM(meter_kwh_e6)"
            f" FROM daily_totals"
            f" WHERE fuel = ? AND local_day BETWEEN ? AND ? GROUP BY k",
            (fuel_value, first, last),
        ).fetchall()
        standing = dict(self._conn.execute(
            f"SELECT {key} AS k, SUM(gbp_e9) FROM standing_charges"
            f" WHERE fuel = ? AND local_day BETWEEN ? AND ? GROUP BY k",
            (fuel_value, first, last),
        ).fetchall())
        by_key = {row[0]: row for row in usage}
        totals: list[PeriodTotal] = []
        for k in sorted(by_key.keys() | standing.keys()):
            _, kwh, cost, m3, m3cv, m3_with_cv, gap, unpriced, meter = by_key.get(
                k, (k, 0, 0, None, None, None, 0, 0, 0)
            )
            cv = (
                (Decimal(m3cv) / Decimal(m3_with_cv)).scaleb(-3).quantize(_CV_PLACES)
                if m3cv is not None and m3_with_cv
                else None
            )
            totals.append(PeriodTotal(
                period=k,
                hours=_period_hours(k, by),
                kwh=Decimal(kwh).scaleb(-6),
                cost_gbp=Decimal(cost).scaleb(-9),
                standing_charge_gbp=Decimal(standing.get(k, 0)).scaleb(-9),
                m3=_from_fine(m3),
                cv=cv,
                gap_kwh=Decimal(gap).scaleb(-6) if gap else Decimal(0),
                unpriced_kwh=Decimal(unpriced).scaleb(-6) if unpriced else Decimal(0),
                meter_kwh=Decimal(meter).scaleb(-6) if meter else Decimal(0),
            ))
        return totals

    # -- latest readings --------------------------------------------------------------------

    def save_reading(self, reading: Reading) -> None:
        """Keep the last reading per (device, kind, tier)."""
        r = reading
        self._write([(
            "INSERT OR REPLACE INTO latest_readings (device, kind, tier_key, fuel, value, unit,"
            " received, meter_time, source, tier, text, extra)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.device, str(r.kind), -1 if r.tier is None else r.tier, str(r.fuel),
                str(r.value), r.unit, _iso(r.received), _iso(r.meter_time), str(r.source),
                r.tier, r.text, json.dumps(r.extra, sort_keys=True),
            ),
        )])

    def latest_readings(self) -> list[Reading]:
        cur = self._conn.execute(
            "SELECT device, kind, fuel, value, unit, received, meter_time, source, tier, text,"
            " extra FROM latest_readings ORDER BY device, kind, tier_key"
        )
        out: list[Reading] = []
        for device, kind, fuel, value, unit, received, meter_time, source, tier, text, extra in cur:
            received_dt = _from_iso(received)
            assert received_dt is not None  # NOT NULL column
            out.append(Reading(
                device=device, fuel=Fuel(fuel), kind=ReadingKind(kind), value=Decimal(value),
                unit=unit, received=received_dt, meter_time=_from_iso(meter_time),
                source=Source(source), tier=tier, text=text, extra=json.loads(extra),
            ))
        return out

    # -- supplier messages ------------------------------------------------------------------

    def save_message(self, reading: Reading, language: str) -> bool:
        """Keep a supplier message (once: the meter may send it again). True if it is new."""
        message_id = reading.extra.get("id", str(reading.value))
        before = self._conn.total_changes
        self._write([(
            "INSERT OR IGNORE INTO messages (device, message_id, text, received, meter_time,"
            " language) VALUES (?, ?, ?, ?, ?, ?)",
            (reading.device, message_id, reading.text or "", _iso(reading.received),
             _iso(reading.meter_time), language),
        )])
        return self._conn.total_changes > before

    def mark_message_read(self, device: str, message_id: str) -> None:
        self._write([("UPDATE messages SET read = 1 WHERE device = ? AND message_id = ?",
                      (device, message_id))])

    def messages(self) -> list[StoredMessage]:
        """Every message kept, newest first."""
        cur = self._conn.execute(
            "SELECT device, message_id, text, received, meter_time, language, read"
            " FROM messages ORDER BY received DESC, message_id DESC")
        out = []
        for device, message_id, text, received, meter_time, language, read in cur:
            received_dt = _from_iso(received)
            assert received_dt is not None  # NOT NULL column
            out.append(StoredMessage(device, message_id, text, received_dt,
                                     _from_iso(meter_time), language, bool(read)))
        return out

    # -- top-ups ----------------------------------------------------------------------------

    def save_top_up(self, top_up: StoredTopUp) -> None:
        """Keep a top-up the meter applied (called once per ChangeEvent)."""
        self._write([(
            "INSERT INTO top_ups (device, applied_at, amount_e9, role, organisation)"
            " VALUES (?, ?, ?, ?, ?)",
            (top_up.device, _iso(top_up.applied_at),
             _checked_fine(top_up.amount_gbp, 9, "top-up"), top_up.role, top_up.organisation),
        )])

    def top_ups(self) -> list[StoredTopUp]:
        """Every top-up kept, newest first."""
        cur = self._conn.execute(
            "SELECT device, applied_at, amount_e9, role, organisation FROM top_ups"
            " ORDER BY rowid DESC")
        out = []
        for device, applied_at, amount_e9, role, organisation in cur:
            when, amount = _from_iso(applied_at), _from_fine(amount_e9, 9)
            assert when is not None and amount is not None  # NOT NULL columns
            out.append(StoredTopUp(device, when, amount, role, organisation))
        # by time, not by text (ISO strings with and without microseconds do not sort)
        out.sort(key=lambda t: t.applied_at, reverse=True)
        return out

    # -- devices ----------------------------------------------------------------------------

    def upsert_device(
        self,
        eui64: str,
        *,
        role: str | None = None,
        install_state: str | None = None,
        first_joined: datetime | None = None,
        last_seen: datetime | None = None,
        lqi: int | None = None,
        rssi: int | None = None,
        label: str | None = None,
    ) -> None:
        """Create or update a device; None leaves a field as it was. first_joined keeps the
        earliest time seen (ISO UTC text sorts in time order)."""
        self._write([(
            "INSERT INTO devices (eui64, role, install_state, first_joined, last_seen, lqi,"
            " rssi, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (eui64) DO UPDATE SET"
            " role = COALESCE(excluded.role, role),"
            " install_state = COALESCE(excluded.install_state, install_state),"
            " first_joined = CASE WHEN first_joined IS NULL OR"
            "   (excluded.first_joined IS NOT NULL AND excluded.first_joined < first_joined)"
            "   THEN excluded.first_joined ELSE first_joined END,"
            " last_seen = COALESCE(excluded.last_seen, last_seen),"
            " lqi = COALESCE(excluded.lqi, lqi),"
            " rssi = COALESCE(excluded.rssi, rssi),"
            " label = COALESCE(excluded.label, label)",
            (eui64, role, install_state, _iso(first_joined), _iso(last_seen), lqi, rssi, label),
        )])

    def devices(self) -> list[DeviceRow]:
        cur = self._conn.execute(
            "SELECT eui64, role, install_state, first_joined, last_seen, lqi, rssi, label"
            " FROM devices ORDER BY eui64"
        )
        return [
            DeviceRow(eui64, role, state, _from_iso(first), _from_iso(seen), lqi, rssi, label)
            for eui64, role, state, first, seen, lqi, rssi, label in cur
        ]

    # -- retention --------------------------------------------------------------------------

    def prune(self, keep_months: int = _MIN_KEEP_MONTHS, now: datetime | None = None) -> int:
        """Delete half-hours and standing charges before the 1st of the local month
        keep_months before this one (so at least keep_months whole months stay).
        Returns the number of half-hour rows deleted."""
        if keep_months < _MIN_KEEP_MONTHS:
            raise ValueError(f"keep_months must be at least {_MIN_KEEP_MONTHS}")
        today = local_date(now or datetime.now(UTC))
        months = today.year * 12 + (today.month - 1) - keep_months
        cutoff = date(months // 12, months % 12 + 1, 1)
        cutoff_epoch = int(local_midnight_utc(cutoff).timestamp())
        day = cutoff.isoformat()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = self._conn.execute(
                "DELETE FROM half_hours WHERE start_utc < ?", (cutoff_epoch,)
            ).rowcount
            self._conn.execute("DELETE FROM daily_totals WHERE local_day < ?", (day,))
            self._conn.execute("DELETE FROM standing_charges WHERE local_day < ?", (day,))
            self._conn.execute("DELETE FROM gaps WHERE local_day < ?", (day,))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return int(deleted)


__all__ = [
    "APP_ID_DISPLAY", "APP_ID_GATEWAY", "METER_PROFILE", "MEASURED", "database_owner",
    "DeviceRow", "GapRow", "HalfHourRow", "HistoryStore", "PeriodTotal", "StoreError",
    "WriteResult",
]
