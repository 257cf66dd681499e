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
