-- How a program scores candidate pairs. A program without a row here uses
-- the defaults in internal/matching; weights are one row per criterion so
-- that a criterion added later starts at its default for every program.
CREATE TABLE matching_settings (
    program_id             BIGINT PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    require_language       BOOLEAN NOT NULL DEFAULT TRUE,
    separate_organisations BOOLEAN NOT NULL DEFAULT TRUE,
    unmatched_penalty      INTEGER NOT NULL DEFAULT 50 CHECK (unmatched_penalty BETWEEN 0 AND 100),
    self_match             BOOLEAN NOT NULL DEFAULT FALSE,
    request_days           INTEGER NOT NULL DEFAULT 7 CHECK (request_days BETWEEN 1 AND 60),
    suggestions            INTEGER NOT NULL DEFAULT 5 CHECK (suggestions BETWEEN 1 AND 20),
    updated_at             TIMESTAMPTZ NOT NULL,
    updated_by             BIGINT REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE matching_weights (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    criterion  TEXT NOT NULL,
    weight     INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 10),
    PRIMARY KEY (program_id, criterion)
);

-- Pairs the coordinator never wants proposed, by user: a chemistry "no"
-- adds one so that a rematch does not pair the same two people again.
CREATE TABLE matching_exclusions (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    mentee_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (program_id, mentee_id, mentor_id)
);

-- What a participant adds to their profile for matching: when they can
-- meet (comma-separated slots) and a mentee's wishes for their mentor.
-- Time zones come from the person's account.
ALTER TABLE participants ADD COLUMN meeting_times TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN wish_same_field BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE participants ADD COLUMN wish_in_person BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE participants ADD COLUMN wish_language TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN wish_stage TEXT NOT NULL DEFAULT '';
