-- Program templates an administrator saved from a program, offered to
-- everyone who creates a program. body is the program's definition as
-- JSON (cohort.Blueprint): its rules, role words, agreement template,
-- meeting plan and libraries, evaluation questions and matching settings,
-- never its people. The built-in templates live in the code, not here.
CREATE TABLE program_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL
);
