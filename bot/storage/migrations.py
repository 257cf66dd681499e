"""Forward-only schema migrations, versioned by `PRAGMA user_version`.

Each entry of `MIGRATIONS` moves the schema one version up and is applied in its own
transaction. Never edit a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer version of the bot; opening it could corrupt it."""


_V1 = """
CREATE TABLE events (
    guild_id               INTEGER PRIMARY KEY,
    name                   TEXT    NOT NULL,
    timezone               TEXT    NOT NULL DEFAULT 'UTC',
    verification_code      TEXT    NOT NULL,
    verification_required  INTEGER NOT NULL DEFAULT 1,
    proposals_open         INTEGER NOT NULL DEFAULT 1,
    interest_open          INTEGER NOT NULL DEFAULT 1,
    schedule_visible       INTEGER NOT NULL DEFAULT 0,
    announcements_channel_id INTEGER,
    proposals_channel_id   INTEGER,
    moderation_channel_id  INTEGER,
    verified_role_id       INTEGER,
    organiser_role_id      INTEGER,
    published_version_id   INTEGER REFERENCES schedule_versions(id) ON DELETE SET NULL,
    created_at             TEXT    NOT NULL
);

CREATE TABLE attendees (
    guild_id     INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL DEFAULT '',
    verified     INTEGER NOT NULL DEFAULT 0,
    is_admin     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE days (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    date     TEXT    NOT NULL,
    label    TEXT    NOT NULL DEFAULT '',
    UNIQUE (guild_id, date)
);

CREATE TABLE slots (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    day_id    INTEGER NOT NULL REFERENCES days(id) ON DELETE CASCADE,
    start_utc TEXT    NOT NULL,
    end_utc   TEXT    NOT NULL,
    is_break  INTEGER NOT NULL DEFAULT 0,
    locked    INTEGER NOT NULL DEFAULT 0,
    label     TEXT    NOT NULL DEFAULT '',
    CHECK (end_utc > start_utc)
);
CREATE INDEX slots_by_guild ON slots (guild_id, start_utc);

CREATE TABLE rooms (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL,
    capacity         INTEGER NOT NULL CHECK (capacity >= 1),
    link             TEXT,
    voice_channel_id INTEGER,
    UNIQUE (guild_id, name_key)
);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    title_key   TEXT    NOT NULL,
    description TEXT    NOT NULL,
    owner_id    INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'public', 'withdrawn')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    FOREIGN KEY (guild_id, owner_id) REFERENCES attendees(guild_id, user_id)
);
-- Duplicate titles are refused among sessions that still run; a withdrawn title may be reused.
CREATE UNIQUE INDEX sessions_title_key ON sessions (guild_id, title_key)
    WHERE status <> 'withdrawn';
CREATE INDEX sessions_by_owner ON sessions (guild_id, owner_id, status);

CREATE TABLE session_allowed_slots (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    slot_id    INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, slot_id)
);

CREATE TABLE interest (
    guild_id   INTEGER NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    level      INTEGER NOT NULL CHECK (level IN (25, 75, 100)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (session_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES attendees(guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX interest_by_user ON interest (guild_id, user_id);

CREATE TABLE schedule_versions (
    id                     INTEGER PRIMARY KEY,
    guild_id               INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    created_at             TEXT    NOT NULL,
    created_by             INTEGER NOT NULL,
    status                 TEXT    NOT NULL,
    utility                INTEGER NOT NULL,
    upper_bound            INTEGER NOT NULL,
    seed_heuristic_utility INTEGER NOT NULL,
    solve_seconds          REAL    NOT NULL,
    moved                  INTEGER NOT NULL DEFAULT 0,
    unplaced_json          TEXT    NOT NULL DEFAULT '[]',
    published_at           TEXT
);

CREATE TABLE placements (
    version_id          INTEGER NOT NULL REFERENCES schedule_versions(id) ON DELETE CASCADE,
    session_id          INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    slot_id             INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
    room_id             INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    expected_attendance INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, session_id),
    UNIQUE (version_id, slot_id, room_id)
);
CREATE INDEX placements_by_slot ON placements (slot_id);
CREATE INDEX placements_by_room ON placements (room_id);

-- Wrong verification codes, kept so that the limit survives a restart.
CREATE TABLE verify_failures (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    at       REAL    NOT NULL
);
CREATE INDEX verify_failures_by_user ON verify_failures (guild_id, user_id, at);
"""

# Messages the bot posted that it edits later (the published timetable, one per day), and
# announcements already sent (so a restart neither loses nor doubles one).
_V2 = """
CREATE TABLE posted_messages (
    guild_id   INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, key)
);

CREATE TABLE sent_announcements (
    guild_id INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    sent_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, key, kind)
);
"""

# Issue 5 (Discord-native): the switch for mirroring sessions as Discord scheduled events, the
# events the bot created (with a fingerprint of what it sent, so re-publishing touches only what
# changed and a restart duplicates nothing), and the discussion thread of each session.
_V3_EVENTS_THREADS = """
ALTER TABLE events ADD COLUMN mirror_events INTEGER NOT NULL DEFAULT 1;

CREATE TABLE mirrored_events (
    guild_id         INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    session_id       INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    discord_event_id INTEGER NOT NULL,
    fingerprint      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, session_id)
);

CREATE TABLE session_threads (
    guild_id   INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    thread_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, session_id)
);
"""

# Personal messages (feature 3 and 6 of issue 5): reminder opt-ins, users whose DMs are closed
# (so nobody is DMed again and again in vain), reminders and change notices already sent (claimed
# before sending, so a restart neither loses nor doubles one), and what keeping the published
# timetable would have been worth for each run (to say what the moves buy).
_V4_REMINDERS_NOTICES = """
CREATE TABLE reminder_prefs (
    guild_id       INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    minutes_before INTEGER NOT NULL DEFAULT 10 CHECK (minutes_before BETWEEN 1 AND 120),
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE dms_closed (
    guild_id  INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    closed_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE sent_reminders (
    guild_id   INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    slot_id    INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    outcome    TEXT    NOT NULL DEFAULT 'sending',
    sent_at    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, slot_id)
);

CREATE TABLE sent_notices (
    guild_id     INTEGER NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    from_version INTEGER NOT NULL,
    to_version   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    outcome      TEXT    NOT NULL DEFAULT 'sending',
    sent_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, from_version, to_version, user_id)
);

CREATE TABLE version_baselines (
    version_id    INTEGER PRIMARY KEY REFERENCES schedule_versions(id) ON DELETE CASCADE,
    based_on      INTEGER NOT NULL,
    kept_utility  INTEGER NOT NULL
);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3_EVENTS_THREADS, _V4_REMINDERS_NOTICES]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, path: Path | str = "database") -> int:
    """Bring the schema up to `SCHEMA_VERSION`; return the version found before migrating."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"The database {path} has schema version {found}, but this version of "
            f"session-scheduler only knows up to version {SCHEMA_VERSION}. It was written by a "
            "newer release: upgrade the bot (or open a backup made by this version)."
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[version - 1]
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\n"
                               "COMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return found
