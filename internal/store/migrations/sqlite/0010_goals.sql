-- A pair's SMART goals. Sub-goals point at their goal. Goals written in the
-- agreement carry the agreement's key for them, so signing a new version
-- updates a goal instead of adding it twice. A goal taken out of a later
-- agreement version keeps its row, progress and history; in_agreement goes
-- to 0 so the pair sees it is no longer part of what they signed.
CREATE TABLE goals (
    id            INTEGER PRIMARY KEY,
    pair_id       INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    agreement_key TEXT NOT NULL DEFAULT '',
    in_agreement  INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    measure       TEXT NOT NULL DEFAULT '',
    target_date   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'reached', 'dropped')),
    progress      INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    position      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX goals_pair ON goals(pair_id, position);
CREATE INDEX goals_parent ON goals(parent_id);
CREATE UNIQUE INDEX goals_agreement_key ON goals(pair_id, agreement_key) WHERE agreement_key <> '';

-- Who changed what on a goal, and when. One row per changed field;
-- by_agreement marks changes that came from signing an agreement version.
CREATE TABLE goal_events (
    id        INTEGER PRIMARY KEY,
    goal_id   INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    by_agreement INTEGER NOT NULL DEFAULT 0,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    at        TIMESTAMP NOT NULL
);
CREATE INDEX goal_events_goal ON goal_events(goal_id, id);

-- A meeting may be about one goal.
ALTER TABLE meetings ADD COLUMN goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL;
CREATE INDEX meetings_goal ON meetings(goal_id);
