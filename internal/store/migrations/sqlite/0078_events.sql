-- A program's gatherings: kick-offs, trainings, network meetings, closings.
-- Times are stored in UTC with the zone the coordinator planned them in;
-- sequence is the iCalendar SEQUENCE, raised on every change so that
-- calendars update the entry they imported. capacity 0 means no limit.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('kickoff', 'training', 'network', 'closing', 'other')),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    timezone     TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    online_url   TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL CHECK (audience IN ('all', 'mentors', 'mentees')),
    capacity     INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    uid          TEXT NOT NULL UNIQUE,
    sequence     INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at TIMESTAMP,
    attendance_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX events_program ON events(program_id, starts_at);

-- Who was invited and what they answered. response is '' until they
-- answer; 'waiting' is a yes that found the event full, in the order of
-- responded_at. attended is marked by a coordinator after the event.
CREATE TABLE event_invites (
    event_id     INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    response     TEXT NOT NULL DEFAULT '' CHECK (response IN ('', 'yes', 'no', 'maybe', 'waiting')),
    responded_at TIMESTAMP,
    attended     INTEGER NOT NULL DEFAULT 0,
    invited_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_invites_user ON event_invites(user_id);
