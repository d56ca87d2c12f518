-- Passkeys (WebAuthn). The credential record as github.com/go-webauthn
-- keeps it (public key, flags, sign counter) is stored as its JSON;
-- credential_id is looked up at every sign-in. clone_warning marks a
-- passkey whose counter went backwards: it is refused until removed.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    clone_warning INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP
);
CREATE INDEX passkeys_user ON passkeys(user_id);

-- The WebAuthn user handle: random, so that it says nothing about the
-- person to the authenticator or anyone reading it.
CREATE TABLE passkey_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle  TEXT NOT NULL UNIQUE
);

-- A registration or sign-in ceremony between its two requests.
CREATE TABLE webauthn_ceremonies (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    session    TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
