-- Messages the bot posted that it edits later (the published timetable, one per day), and
-- announcements already sent (so a restart neither loses nor doubles one).
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
