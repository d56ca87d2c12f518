-- A pair's meetings. A meeting is proposed by one side and confirmed by the
-- other; moving it raises sequence (the iCalendar SEQUENCE) and cancelling
-- keeps the row with its reason, so late cancellations can be counted.
CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    pair_id       INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    uid           TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'cancelled')),
    starts_at     TIMESTAMP NOT NULL,
    timezone      TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    place         TEXT NOT NULL DEFAULT '',
    online_url    TEXT NOT NULL DEFAULT '',
    proposed_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    sequence      INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT NOT NULL DEFAULT '',
    cancelled_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at  TIMESTAMP,
    late_cancel   INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX meetings_pair ON meetings(pair_id, starts_at);

-- What happened to each meeting and who did it: the pair's record of
-- proposals, moves and cancellations. late marks a move or cancellation
-- made inside the agreement's notice, so the pair sees how often it happens.
CREATE TABLE meeting_events (
    id                 INTEGER PRIMARY KEY,
    meeting_id         INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    pair_id            INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('proposed', 'countered', 'accepted', 'moved', 'cancelled')),
    user_id            INTEGER REFERENCES users(id) ON DELETE SET NULL,
    starts_at          TIMESTAMP NOT NULL,
    previous_starts_at TIMESTAMP,
    reason             TEXT NOT NULL DEFAULT '',
    late               INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX meeting_events_meeting ON meeting_events(meeting_id, id);
CREATE INDEX meeting_events_pair ON meeting_events(pair_id, late);

-- A person's calendar subscription. Only a hash of the secret in the feed's
-- address is kept: the address is shown once, and renewing replaces it.
CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
