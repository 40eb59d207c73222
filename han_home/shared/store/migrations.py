"""Schema steps for the history database, applied in order; PRAGMA user_version = steps done.

Never edit a released step: append a new one. Each step is a tuple of single statements so
it can run inside one explicit transaction (executescript would commit half-way).

Fine units (exact integer SUMs in SQL; Decimal at the edge):
  kwh_e6, m3_e6 = value x 10^6 (the half-hour accumulator's resolution; m3_e6 is cm3)
  *_e9 (GBP)    = value x 10^9: kWh (6 dp) x a 5 dp rate has 11 dp, so money is rounded, but
                  only at the nano-pound; int64 still holds 9.2 billion GBP
  cv_e3 = MJ/m3 x 10^3  (published CVs have 1-2 dp; 3 dp keeps SUM(m3 x cv) in int64)
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, ...]] = [
    # 1: half-hourly usage and daily standing charges.
    (
        """CREATE TABLE half_hours (
            fuel TEXT NOT NULL,
            start_utc INTEGER NOT NULL,      -- epoch seconds, on a :00/:30 boundary
            local_day TEXT NOT NULL,         -- Europe/London 'YYYY-MM-DD', fixed at insert
            kwh_e6 INTEGER NOT NULL,
            cost_e9 INTEGER NOT NULL,
            m3_e6 INTEGER,                   -- gas only
            cv_e3 INTEGER,                   -- gas only
            PRIMARY KEY (fuel, start_utc)
        ) WITHOUT ROWID""",
        # Covering index: per-day grouping reads only the index, in local_day order.
        """CREATE INDEX half_hours_by_day
            ON half_hours (fuel, local_day, kwh_e6, cost_e9, m3_e6, cv_e3)""",
        """CREATE TABLE standing_charges (
            fuel TEXT NOT NULL,
            local_day TEXT NOT NULL,
            gbp_e9 INTEGER NOT NULL,
            PRIMARY KEY (fuel, local_day)
        ) WITHOUT ROWID""",
    ),
    # 2: last known readings (shown with their age at start-up) and the device list.
    (
        """CREATE TABLE latest_readings (
            device TEXT NOT NULL,
            kind TEXT NOT NULL,
            tier_key INTEGER NOT NULL,       -- tier, or -1 when the reading has none
            fuel TEXT NOT NULL,
            value TEXT NOT NULL,             -- Decimal as text: exact round-trip
            unit TEXT NOT NULL,
            received TEXT NOT NULL,          -- ISO 8601 UTC
            meter_time TEXT,
            source TEXT NOT NULL,
            tier INTEGER,
            text TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (device, kind, tier_key)
        ) WITHOUT ROWID""",
        """CREATE TABLE devices (
            eui64 TEXT PRIMARY KEY,
            role TEXT,
            install_state TEXT,
            first_joined TEXT,
            last_seen TEXT,
            lqi INTEGER,
            rssi INTEGER,
            label TEXT
        )""",
    ),
    # 3: daily roll-up kept in step with half_hours by add_half_hours, so week/month/year
    # totals group ~400 rows instead of ~19,000 per fuel.
    (
        """CREATE TABLE daily_totals (
            fuel TEXT NOT NULL,
            local_day TEXT NOT NULL,
            kwh_e6 INTEGER NOT NULL,
            cost_e9 INTEGER NOT NULL,
            m3_e6 INTEGER,
            m3cv_e9 INTEGER,                 -- SUM(m3_e6 x cv_e3) over rows with a CV
            m3_with_cv_e6 INTEGER,           -- SUM(m3_e6) over rows with a CV
            PRIMARY KEY (fuel, local_day)
        ) WITHOUT ROWID""",
        """INSERT INTO daily_totals
            SELECT fuel, local_day, SUM(kwh_e6), SUM(cost_e9), SUM(m3_e6),
                   SUM(m3_e6 * cv_e3), SUM(CASE WHEN cv_e3 IS NOT NULL THEN m3_e6 END)
            FROM half_hours GROUP BY fuel, local_day""",
    ),
]

MIGRATIONS.append(
    # 4: accounting that survives restarts and gaps (issue 8). The accumulator's state is
    # written in the same transaction as the half-hours it produced; energy across a gap the
    # meter's profile could not fill is one interval, never spread as invented half-hours;
    # half-hours say whether the display measured them or the meter reported them.
    (
        """CREATE TABLE accounting_state (
            fuel TEXT PRIMARY KEY,
            state TEXT NOT NULL              -- JSON: last register, open half-hour, gaps
        )""",
        """CREATE TABLE gaps (
            fuel TEXT NOT NULL,
            start_utc INTEGER NOT NULL,      -- epoch seconds of the last reading before
            end_utc INTEGER NOT NULL,        -- ... and the first reading after the gap
            local_day TEXT NOT NULL,         -- the day the gap ended (its energy counts there)
            kwh_e6 INTEGER NOT NULL,
            cost_e9 INTEGER,                 -- NULL: rates changed inside it (or no tariff)
            m3_e6 INTEGER,
            cv_e3 INTEGER,
            PRIMARY KEY (fuel, start_utc)
        ) WITHOUT ROWID""",
        # half_hours again, with a nullable cost (a home with no known tariff stores energy,
        # not invented money) and a source; SQLite cannot relax NOT NULL in place.
        """CREATE TABLE half_hours_v4 (
            fuel TEXT NOT NULL,
            start_utc INTEGER NOT NULL,
            local_day TEXT NOT NULL,
            kwh_e6 INTEGER NOT NULL,
            cost_e9 INTEGER,                 -- NULL: no tariff was known for it
            m3_e6 INTEGER,
            cv_e3 INTEGER,
            source TEXT NOT NULL DEFAULT 'display',  -- display (measured) | meter (profile)
            PRIMARY KEY (fuel, start_utc)
        ) WITHOUT ROWID""",
        """INSERT INTO half_hours_v4 (fuel, start_utc, local_day, kwh_e6, cost_e9, m3_e6, cv_e3)
            SELECT fuel, start_utc, local_day, kwh_e6, cost_e9, m3_e6, cv_e3 FROM half_hours""",
        "DROP TABLE half_hours",
        "ALTER TABLE half_hours_v4 RENAME TO half_hours",
        """CREATE INDEX half_hours_by_day
            ON half_hours (fuel, local_day, kwh_e6, cost_e9, m3_e6, cv_e3, source)""",
        "ALTER TABLE daily_totals ADD COLUMN gap_kwh_e6 INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE daily_totals ADD COLUMN meter_kwh_e6 INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE daily_totals ADD COLUMN unpriced_kwh_e6 INTEGER NOT NULL DEFAULT 0",
    )
)

MIGRATIONS.append(
    # 5: every supplier message kept (issue 15): a restart must lose none, and read/unread
    # and the language of its text survive it. latest_readings kept only the last one.
    (
        """CREATE TABLE messages (
            device TEXT NOT NULL,
            message_id TEXT NOT NULL,        -- the meter's Message ID (unique per message)
            text TEXT NOT NULL,              -- as sent: the supplier's, never translated
            received TEXT NOT NULL,          -- ISO 8601 UTC, when this display got it
            meter_time TEXT,                 -- the message's own start time
            language TEXT NOT NULL,          -- en | cy | und: found from the text
            read INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (device, message_id)
        ) WITHOUT ROWID""",
    )
)

MIGRATIONS.append(
    # 6: every top-up the meter applied (issue 15), for the Credit screen's list: written
    # when the gateway's ChangeEvent arrives (the meter's signed answer said it applied it).
    (
        """CREATE TABLE top_ups (
            device TEXT NOT NULL,            -- the meter's EUI-64, hex
            applied_at TEXT NOT NULL,        -- ISO 8601 UTC, by the meter's signed answer
            amount_e9 INTEGER NOT NULL,      -- GBP x 10^9, as the meter signed it
            role TEXT NOT NULL,              -- who made it: security.profiles.Role value
            organisation TEXT NOT NULL       -- from the signer's certificate
        )""",
        "CREATE INDEX top_ups_by_time ON top_ups (applied_at)",
    )
)

LATEST_VERSION = len(MIGRATIONS)
