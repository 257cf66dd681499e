-- The links to the web pages. Each event's public page has a key that anyone may be given;
-- each attendee's private page and calendar feed a token kept only as its SHA-256 hex digest
-- (the link itself is shown once, privately, and cannot be read back from the database).
CREATE TABLE web_events (
    guild_id   {snowflake} PRIMARY KEY REFERENCES events(guild_id) ON DELETE CASCADE,
    public_key TEXT        NOT NULL UNIQUE,
    created_at {timestamp} NOT NULL
);

CREATE TABLE personal_links (
    guild_id   {snowflake} NOT NULL,
    user_id    {snowflake} NOT NULL,
    token_hash TEXT        NOT NULL UNIQUE,
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES attendees (guild_id, user_id) ON DELETE CASCADE
);
