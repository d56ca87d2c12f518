-- OpenID Connect providers added by an administrator on /admin/sso. Their
-- client secrets are never stored here: each is read from the environment
-- (MENTORSKAP_OIDC_<NAME>_SECRET), so that a database backup holds none.
CREATE TABLE oidc_providers (
    name         TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    scopes       TEXT NOT NULL DEFAULT '',
    logo_url     TEXT NOT NULL DEFAULT '',
    allow_create BOOLEAN NOT NULL DEFAULT FALSE,
    trust_email  BOOLEAN NOT NULL DEFAULT FALSE,
    domains      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- A person's accounts at providers: the provider's subject identifier is
-- what signs them in once linked, whatever the address says later.
CREATE TABLE oidc_identities (
    provider     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    PRIMARY KEY (provider, subject)
);
CREATE UNIQUE INDEX oidc_identities_user ON oidc_identities(user_id, provider);

-- A sign-in sent to a provider and not yet back: state (stored hashed and
-- bound to the browser by a cookie), nonce and PKCE verifier.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    provider   TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    user_id    BIGINT REFERENCES users(id) ON DELETE CASCADE,
    token      TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    next       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
