-- Resources: the files and links a program gives its people (the handbook,
-- training slides, a video), each for everyone, the mentors or the mentees.
-- A file's bytes live in resource_files so that listing never reads them.
CREATE TABLE resources (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    title        TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (audience IN ('all', 'mentors', 'mentees')),
    url          TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX resources_program ON resources(program_id);

CREATE TABLE resource_files (
    resource_id INTEGER PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    data        BLOB NOT NULL
);
