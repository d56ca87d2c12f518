-- Email sign-in links: single use, short-lived, stored only as a hash.
CREATE TABLE sign_in_links (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX sign_in_links_user ON sign_in_links(user_id);

-- The person's own sign-in log: every session opened for them, and how
-- (password, password and code, email link, a provider, a passkey).
CREATE TABLE sign_ins (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at       TIMESTAMP NOT NULL,
    method   TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    ip       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sign_ins_user ON sign_ins(user_id, at);

-- How a pending two-factor login began, so that the log names the whole
-- way in once the code is given.
ALTER TABLE login_challenges ADD COLUMN method TEXT NOT NULL DEFAULT 'password_code';
ALTER TABLE login_challenges ADD COLUMN provider TEXT NOT NULL DEFAULT '';

-- An account that must sign in with its organisation's login: no password,
-- email link or passkey.
ALTER TABLE users ADD COLUMN sso_only INTEGER NOT NULL DEFAULT 0;
