-- The mentoring agreement. A program's template holds the coordinator's
-- clauses and preparation questions per language (no row: our defaults).
-- Preparation answers are private to the person who wrote them.
CREATE TABLE agreement_templates (
    program_id INTEGER PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE agreement_preparations (
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    answers    TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (pair_id, user_id)
);

-- Every saved state of a pair's agreement is a version: content is the
-- canonical JSON and hash its SHA-256. Versions are append-only: a change is
-- a new version, so history and signed versions stay exactly as they were.
-- created_by has no ON DELETE action because setting it to NULL would be a
-- change to a frozen row.
CREATE TABLE agreement_versions (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    number     INTEGER NOT NULL CHECK (number > 0),
    content    TEXT NOT NULL,
    hash       TEXT NOT NULL CHECK (length(hash) = 64),
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (pair_id, number)
);

-- A signature binds one person to one version through the version's hash.
CREATE TABLE agreement_signatures (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES agreement_versions(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('mentor', 'mentee')),
    typed_name TEXT NOT NULL,
    hash       TEXT NOT NULL,
    signed_at  TIMESTAMP NOT NULL,
    UNIQUE (version_id, user_id)
);

-- The mentor is asked once per pair to contact the mentee and book the
-- first meeting.
CREATE TABLE agreement_prompts (
    pair_id INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL
);

-- The store itself keeps versions and signatures frozen, whatever code
-- path tries to change them.
CREATE TRIGGER agreement_versions_no_update BEFORE UPDATE ON agreement_versions
BEGIN
    SELECT RAISE(ABORT, 'agreement versions cannot be changed');
END;

CREATE TRIGGER agreement_versions_no_delete_signed BEFORE DELETE ON agreement_versions
WHEN EXISTS (SELECT 1 FROM agreement_signatures WHERE version_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a signed agreement version cannot be deleted');
END;

CREATE TRIGGER agreement_signatures_no_update BEFORE UPDATE ON agreement_signatures
BEGIN
    SELECT RAISE(ABORT, 'agreement signatures cannot be changed');
END;

CREATE TRIGGER agreement_signatures_no_delete BEFORE DELETE ON agreement_signatures
BEGIN
    SELECT RAISE(ABORT, 'agreement signatures cannot be deleted');
END;

CREATE TRIGGER agreement_signatures_hash BEFORE INSERT ON agreement_signatures
WHEN NEW.hash IS NOT (SELECT hash FROM agreement_versions WHERE id = NEW.version_id)
BEGIN
    SELECT RAISE(ABORT, 'a signature must carry the hash of the version it signs');
END;
