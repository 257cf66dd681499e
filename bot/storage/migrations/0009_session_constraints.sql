-- What the engine can be told about sessions and attendees, set by commands: how many
-- consecutive slots a session takes and its track; co-hosts (hosts besides the proposer);
-- pairs of sessions that must not run at the same time; a session pinned to a slot (and a
-- room); the slots an attendee is here (none listed: every slot).
ALTER TABLE sessions ADD COLUMN length INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN track TEXT;

CREATE TABLE session_hosts (
    guild_id   {snowflake} NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    session_id {snowflake} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id    {snowflake} NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_hosts_by_user ON session_hosts (guild_id, user_id);

CREATE TABLE not_in_parallel (
    guild_id  {snowflake} NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    session_a {snowflake} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    session_b {snowflake} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    PRIMARY KEY (session_a, session_b),
    CHECK (session_a < session_b)
);
CREATE INDEX not_in_parallel_by_guild ON not_in_parallel (guild_id);

CREATE TABLE session_pins (
    guild_id   {snowflake} NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    session_id {snowflake} PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    slot_id    {snowflake} NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
    room_id    {snowflake} REFERENCES rooms(id) ON DELETE SET NULL
);
CREATE INDEX session_pins_by_guild ON session_pins (guild_id);

CREATE TABLE attendee_availability (
    guild_id {snowflake} NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    user_id  {snowflake} NOT NULL,
    slot_id  {snowflake} NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, user_id, slot_id)
);
