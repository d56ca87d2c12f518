-- Background work: one row per job, claimed by a worker for a lease. The
-- key makes enqueueing idempotent: a reminder or a periodic run is queued
-- once however many scans or instances try. Rows are kept after they are
-- done so that a key can never be queued twice.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL DEFAULT '{}',
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMP,
    gave_up_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs(run_at, id) WHERE done_at IS NULL AND gave_up_at IS NULL;

-- A row turns one kind of reminder off for one person; no row means on.
CREATE TABLE reminder_optouts (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
