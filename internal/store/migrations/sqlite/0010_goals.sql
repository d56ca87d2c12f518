-- A pair's SMART goals. Sub-goals point at their goal. Goals written in the
-- agreement carry the agreement's key for them, so signing a new version
-- updates a goal instead of adding it twice.
CREATE TABLE goals (
    id            INTEGER PRIMARY KEY,
    pair_id       INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    agreement_key TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    measure       TEXT NOT NULL DEFAULT '',
    target_date   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'reached', 'dropped')),
    progress      INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    position      INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX goals_pair ON goals(pair_id, position);
CREATE UNIQUE INDEX goals_agreement_key ON goals(pair_id, agreement_key) WHERE agreement_key <> '';
