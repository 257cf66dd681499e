-- One row per run of the scheduler (/admin schedule run): what was asked, by whom, the snapshot
-- the engine solves, where the run stands (queued, running, done, failed, cancelled), its
-- latest progress, and the version it stored. The one place that progress, cancellation,
-- retries after a lost worker and "stored once" are decided, on either engine: on SQLite the
-- bot's own process fills it, on PostgreSQL any solve worker may.
CREATE TABLE solve_runs (
    id               {id},
    guild_id         {snowflake} NOT NULL REFERENCES events(guild_id) ON DELETE CASCADE,
    requested_by     {snowflake} NOT NULL,
    requested_at     {timestamp} NOT NULL,
    options_json     TEXT        NOT NULL,
    instance_json    TEXT,  -- the snapshot solved; dropped once the run ends
    status           TEXT        NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    cancel_requested {bool}      NOT NULL DEFAULT FALSE,
    job_id           {snowflake},  -- the job queue's id of it (PostgreSQL only)
    worker           TEXT,         -- who runs (or last ran) it: a solve worker's name, or the bot
    started_at       {timestamp},
    utility          INTEGER,
    upper_bound      INTEGER,
    elapsed          {float},
    progress_at      {timestamp},
    version_id       {snowflake} REFERENCES schedule_versions(id) ON DELETE SET NULL,
    error            TEXT,
    finished_at      {timestamp}
);
-- One run at a time per event, whichever process asked for it.
CREATE UNIQUE INDEX solve_runs_one_active ON solve_runs (guild_id)
    WHERE status IN ('queued', 'running');
CREATE INDEX solve_runs_by_guild ON solve_runs (guild_id, id);
-- The solve workers (session-scheduler worker) that announced themselves, and when each was last
-- seen: what `session-scheduler status` shows. A worker that stops cleanly removes its row.
CREATE TABLE solve_workers (
    name        TEXT        PRIMARY KEY,
    concurrency INTEGER     NOT NULL,
    started_at  {timestamp} NOT NULL,
    seen_at     {timestamp} NOT NULL
);
