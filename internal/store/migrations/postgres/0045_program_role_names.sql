-- What a program calls its roles, per language: organisations say adept,
-- deltaker or mentee for the same person (i18n.WithRoles). One row per
-- program, language and role; forms holds the word's forms separated by
-- commas in the order i18n.DefaultRoleForms shows them. No row means the
-- catalog's own word.
CREATE TABLE program_role_names (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    forms      TEXT NOT NULL,
    PRIMARY KEY (program_id, language, role)
);
