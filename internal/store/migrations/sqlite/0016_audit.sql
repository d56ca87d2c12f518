-- Who opened a pair's record without being in the pair, and who exported
-- data. Rows are only ever added. The ids are kept without cascading so that
-- a deleted pair or program does not erase the trace of who looked at it.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TIMESTAMP NOT NULL,
    actor_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action          TEXT NOT NULL,
    program_id      INTEGER,
    pair_id         INTEGER,
    subject_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_pair ON audit_log(pair_id);
CREATE INDEX audit_log_subject ON audit_log(subject_user_id);
