-- The installation's one brand: the organisation's name, its logo and the
-- accent colour, set by an administrator and used by pages, emails and
-- PDFs. One row (id = 1) at most; no row means the built-in look. The logo
-- is kept in the database like every other upload, so that every instance
-- behind a load balancer serves the same one and a backup holds it.
CREATE TABLE brand (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    org_name   TEXT NOT NULL DEFAULT '',
    accent     TEXT NOT NULL DEFAULT '',
    logo       BLOB,
    logo_type  TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
