-- Self-match: a mentee asks one of their suggested mentors, who accepts or
-- declines. A request left open past expires_at reads as expired; the row
-- is only marked so when the mentee next asks, which frees the one open
-- request a mentee may hold (the partial unique index).
CREATE TABLE match_requests (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    mentee_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    note        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn', 'expired', 'closed')),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    decided_at  TIMESTAMP,
    pair_id     INTEGER REFERENCES pairs(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX match_requests_one_open ON match_requests(program_id, mentee_id) WHERE status = 'open';
CREATE INDEX match_requests_mentor ON match_requests(program_id, mentor_id, status);

-- A pair's check points: the chemistry check after the first meeting, the
-- follow-up after signing, the mid-point and the final evaluation. One row
-- per pair and kind; scheduling again moves the date.
CREATE TABLE checkpoints (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('chemistry', 'followup', 'midpoint', 'final')),
    due_at     TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (pair_id, kind)
);

-- That a person has answered a check point. What they answered lives in a
-- table per kind of questions, so this one alone says what is still due.
CREATE TABLE checkpoint_responses (
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    submitted_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (checkpoint_id, user_id)
);

-- The chemistry answer of one person. The comment is for the coordinator
-- only; the other side never reads either column.
CREATE TABLE chemistry_answers (
    checkpoint_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    answer        TEXT NOT NULL CHECK (answer IN ('yes', 'unsure', 'no')),
    comment       TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (checkpoint_id, user_id),
    FOREIGN KEY (checkpoint_id, user_id) REFERENCES checkpoint_responses(checkpoint_id, user_id) ON DELETE CASCADE
);
