CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'coordinator', 'member')),
    language      TEXT NOT NULL DEFAULT '',
    timezone      TEXT NOT NULL DEFAULT 'UTC',
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, failed_at);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE programs (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    purpose             TEXT NOT NULL DEFAULT '',
    goals               TEXT NOT NULL DEFAULT '',
    focus_areas         TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    min_meetings        INTEGER NOT NULL,
    max_gap_days        INTEGER NOT NULL,
    meeting_min_minutes INTEGER NOT NULL,
    meeting_max_minutes INTEGER NOT NULL,
    messages_allowed    INTEGER NOT NULL,
    eval_followup       INTEGER NOT NULL,
    eval_midpoint       INTEGER NOT NULL,
    eval_final          INTEGER NOT NULL,
    default_language    TEXT NOT NULL,
    join_token          TEXT NOT NULL UNIQUE,
    join_enabled        INTEGER NOT NULL DEFAULT 0,
    join_role           TEXT NOT NULL DEFAULT 'choose' CHECK (join_role IN ('choose', 'mentor', 'mentee')),
    created_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);

CREATE TABLE program_coordinators (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (program_id, user_id)
);
CREATE INDEX program_coordinators_user ON program_coordinators(user_id);

CREATE TABLE participants (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    languages    TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    online_ok    INTEGER NOT NULL DEFAULT 1,
    field        TEXT NOT NULL DEFAULT '',
    skills       TEXT NOT NULL DEFAULT '',
    needs        TEXT NOT NULL DEFAULT '',
    goals        TEXT NOT NULL DEFAULT '',
    interests    TEXT NOT NULL DEFAULT '',
    education    TEXT NOT NULL DEFAULT '',
    career_stage TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    capacity     INTEGER NOT NULL DEFAULT 1,
    about        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP,
    decided_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (program_id, user_id)
);
CREATE INDEX participants_user ON participants(user_id);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'mentor', 'mentee')),
    language    TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    used_by     INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX invitations_program ON invitations(program_id);

CREATE TABLE pairs (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP
);
CREATE INDEX pairs_program ON pairs(program_id);

CREATE TABLE pair_members (
    pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    side    TEXT NOT NULL CHECK (side IN ('mentor', 'mentee')),
    PRIMARY KEY (pair_id, user_id)
);
CREATE INDEX pair_members_user ON pair_members(user_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    sent_at         TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
