-- Outcome follow-up: a short questionnaire a program may send its
-- participants 3 and 6 months after their pair has ended, so that the
-- funder report can say what people went on to do. Off until the
-- coordinator turns it on; mentees only unless mentors are included.
CREATE TABLE outcome_settings (
    program_id      INTEGER PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    enabled         INTEGER NOT NULL DEFAULT 0,
    include_mentors INTEGER NOT NULL DEFAULT 0,
    updated_at      TIMESTAMP NOT NULL
);

-- One questionnaire sent to one person for one round (3 or 6 months after
-- the end of their last pair in the program). The unique key makes the
-- sweep send it once, whichever instance gets there first. The answer is
-- written into the same row: status (what the person does now), helped
-- (1-5, did the mentoring help) and an optional comment that only the
-- program's coordinators read.
CREATE TABLE outcome_surveys (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    side        TEXT NOT NULL CHECK (side IN ('mentor', 'mentee')),
    round       INTEGER NOT NULL CHECK (round IN (3, 6)),
    ended_at    TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP NOT NULL,
    closes_at   TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    status      TEXT CHECK (status IN ('work', 'study', 'both', 'looking', 'other')),
    helped      INTEGER CHECK (helped BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    UNIQUE (program_id, user_id, round)
);
CREATE INDEX outcome_surveys_user ON outcome_surveys(user_id, closes_at);
CREATE INDEX outcome_surveys_program ON outcome_surveys(program_id, sent_at);
