-- A check point that no longer fits a pair's own calendar (a pair matched
-- late, an agreement signed close to its end) is asked together with the
-- next one ('merged', into_kind names it) or left out ('dropped'). The row
-- keeps why, and the date it would have had, so the pair and the
-- coordinator read the reason instead of finding a check point missing.
-- A merged check point keeps its row in checkpoints, due with the one it
-- joined; a dropped one has none.
CREATE TABLE checkpoint_adjustments (
    pair_id    BIGINT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('followup', 'midpoint', 'final')),
    outcome    TEXT NOT NULL CHECK (outcome IN ('merged', 'dropped')),
    into_kind  TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    natural_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pair_id, kind)
);

-- What a meeting is for: '' for an ordinary meeting, 'agreement_review'
-- for the meeting a month after signing where the pair goes through its
-- agreement together.
ALTER TABLE meetings ADD COLUMN purpose TEXT NOT NULL DEFAULT '' CHECK (purpose IN ('', 'agreement_review'));

-- A version of the agreement saved from an agreement review meeting's notes
-- names that meeting. It is a table of its own because versions are frozen
-- rows: a column there could not follow a deleted meeting.
CREATE TABLE agreement_version_reviews (
    version_id BIGINT PRIMARY KEY REFERENCES agreement_versions(id) ON DELETE CASCADE,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE
);
CREATE INDEX agreement_version_reviews_meeting ON agreement_version_reviews(meeting_id);
