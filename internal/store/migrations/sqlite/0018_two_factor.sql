-- Optional TOTP two-factor login. The secret has to be readable to check a
-- code, so it is stored as is; a code of a step at or below last_step is
-- refused so that an overheard code cannot be replayed.
CREATE TABLE totp_secrets (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL
);

-- Recovery codes are random, so a plain SHA-256 is enough to store them.
CREATE TABLE totp_recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP
);
CREATE INDEX totp_recovery_codes_user ON totp_recovery_codes(user_id);

-- A login that has passed the password and waits for the code.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges(user_id);
