-- Personal messages: reminder opt-ins, users whose DMs are closed (so nobody is DMed again and
-- again in vain), reminders and change notices already sent (claimed before sending, so a
-- restart neither loses nor doubles one), and what keeping the published timetable would have
-- been worth for each run (to say what the moves buy).
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
