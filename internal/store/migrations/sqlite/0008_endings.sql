-- How a pair ended. A pair ends once, so the pair is the key: by one of its
-- members (side says which; the optional reason is for the coordinators
-- only), by a coordinator, or at its planned end date.
CREATE TABLE pair_endings (
    pair_id  INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
    how      TEXT NOT NULL CHECK (how IN ('member', 'coordinator', 'planned')),
    ended_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    side     TEXT NOT NULL DEFAULT '' CHECK (side IN ('', 'mentor', 'mentee')),
    reason   TEXT NOT NULL DEFAULT '',
    ended_at TIMESTAMP NOT NULL
);

-- What each person wrote for themselves when their pair closed. Only the
-- writer ever reads it.
CREATE TABLE pair_reflections (
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (pair_id, user_id)
);
