-- The gateway session of each shard as the process running it last reported it (connected,
-- ready, resumed, disconnected), with that process and the gateway's latency then: what
-- `session-scheduler status` shows beside the shard locks. One row per shard of a shard count;
-- the next process to run the shard replaces it, so rows of a process that died stay as it
-- left them until then (status tells them apart by the locks).
CREATE TABLE shard_connections (
    shard_count INTEGER     NOT NULL,
    shard_id    INTEGER     NOT NULL,
    process     TEXT        NOT NULL,  -- the process's name on what it holds (bot/shards.py)
    host        TEXT        NOT NULL,
    pid         INTEGER     NOT NULL,
    state       TEXT        NOT NULL
                CHECK (state IN ('connected', 'ready', 'resumed', 'disconnected')),
    changed_at  {timestamp} NOT NULL,
    latency     {float},               -- seconds; NULL before the first heartbeat's answer
    latency_at  {timestamp},           -- when it was measured (the process refreshes it)
    PRIMARY KEY (shard_count, shard_id)
);
-- The private message a run of the scheduler reports in (/admin schedule run), kept while the
-- run goes on, so that the process owning the guild after a restart or a re-sharding still
-- finishes it when the run ends: Discord's interaction webhook (the application and the
-- interaction's token, valid 15 minutes) and the message. Removed once the message is finished.
CREATE TABLE run_replies (
    run_id         {snowflake} PRIMARY KEY REFERENCES solve_runs(id) ON DELETE CASCADE,
    guild_id       {snowflake} NOT NULL,
    user_id        {snowflake} NOT NULL,
    application_id {snowflake} NOT NULL,
    token          TEXT        NOT NULL,
    message_id     {snowflake} NOT NULL,
    expires_at     {timestamp} NOT NULL
);
