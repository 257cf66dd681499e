-- The switch for mirroring sessions as Discord scheduled events, the events the bot created
-- (with a fingerprint of what it sent, so re-publishing touches only what changed and a restart
-- duplicates nothing), and the discussion thread of each session.
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
