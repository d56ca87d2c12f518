-- A whole-cohort matching proposal: the coordinator runs it, edits it and
-- publishes it. A program has at most one draft at a time; published ones
-- stay as the record of how the pairs came about. Rows store who goes with
-- whom and the score at the time; explanations are recomputed on view from
-- the current profiles, so they are never stale text. version grows with
-- every change, so publishing can refuse a proposal that changed after the
-- coordinator last looked at it.
CREATE TABLE match_proposals (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    version       INTEGER NOT NULL DEFAULT 1,
    settings_hash TEXT NOT NULL DEFAULT '',
    total         INTEGER NOT NULL DEFAULT 0,
    run_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    run_at        TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    published_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    published_at  TIMESTAMP
);
CREATE INDEX match_proposals_program ON match_proposals(program_id, id);
CREATE UNIQUE INDEX match_proposals_draft ON match_proposals(program_id) WHERE status = 'draft';

CREATE TABLE match_proposal_rows (
    proposal_id INTEGER NOT NULL REFERENCES match_proposals(id) ON DELETE CASCADE,
    mentee_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score       INTEGER NOT NULL,
    locked      INTEGER NOT NULL DEFAULT 0,
    manual      INTEGER NOT NULL DEFAULT 0,
    pair_id     INTEGER REFERENCES pairs(id) ON DELETE SET NULL,
    PRIMARY KEY (proposal_id, mentee_id)
);
CREATE INDEX match_proposal_rows_mentor ON match_proposal_rows(proposal_id, mentor_id);
