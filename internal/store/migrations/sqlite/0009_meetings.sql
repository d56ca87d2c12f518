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
