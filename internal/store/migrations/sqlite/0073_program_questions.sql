-- A program's own questions, asked on the application and the profile.
-- Labels are JSON objects from language code to text ({"en": "…", "nb":
-- "…"}): a language left out falls back to the program's default. kind is
-- short, long, one, many, number or date; audience all, mentor or mentee;
-- visibility coordinator or partner. A choice question can be a matching
-- criterion: match_mode same, different or table ('' when not), with
-- match_weight 0..10 and, for a table, the points of each pair of options
-- in program_question_pairs. A removed question is archived (archived_at)
-- so the answers people gave stay theirs, in their data download.
CREATE TABLE program_questions (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    label           TEXT NOT NULL,
    help            TEXT NOT NULL DEFAULT '{}',
    required        BOOLEAN NOT NULL DEFAULT FALSE,
    audience        TEXT NOT NULL DEFAULT 'all',
    visibility      TEXT NOT NULL DEFAULT 'coordinator',
    reporting       BOOLEAN NOT NULL DEFAULT FALSE,
    position        INTEGER NOT NULL,
    match_mode      TEXT NOT NULL DEFAULT '',
    match_weight    INTEGER NOT NULL DEFAULT 0,
    archived_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX program_questions_program ON program_questions(program_id, position);

CREATE TABLE program_question_options (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES program_questions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL
);
CREATE INDEX program_question_options_question ON program_question_options(question_id, position);

-- Points (0..100) a mentee answering mentee_option and a mentor answering
-- mentor_option get on a table criterion; a pair not listed gets 0.
CREATE TABLE program_question_pairs (
    question_id    INTEGER NOT NULL REFERENCES program_questions(id) ON DELETE CASCADE,
    mentee_option  INTEGER NOT NULL REFERENCES program_question_options(id) ON DELETE CASCADE,
    mentor_option  INTEGER NOT NULL REFERENCES program_question_options(id) ON DELETE CASCADE,
    points         INTEGER NOT NULL,
    PRIMARY KEY (question_id, mentee_option, mentor_option)
);

-- One answer per question and participant. value is the text, the number
-- as written with a dot, the date as YYYY-MM-DD, or the chosen option ids
-- separated by commas.
CREATE TABLE program_question_answers (
    question_id    INTEGER NOT NULL REFERENCES program_questions(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, participant_id)
);
CREATE INDEX program_question_answers_participant ON program_question_answers(participant_id);
