-- Evaluation questions of a program per check point. The wording lives per
-- language in evaluation_question_texts, so answers given in any language
-- count towards the same question's results. A removed question keeps its
-- row (removed_at) so answers already given are never lost.
CREATE TABLE evaluation_questions (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('followup', 'midpoint', 'final')),
    qtype        TEXT NOT NULL CHECK (qtype IN ('scale', 'yesno', 'choice', 'text')),
    option_count INTEGER NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    removed_at   TIMESTAMP
);
CREATE INDEX evaluation_questions_program ON evaluation_questions(program_id, kind, position);

-- The wording of a question in one language; options one per line.
CREATE TABLE evaluation_question_texts (
    question_id INTEGER NOT NULL REFERENCES evaluation_questions(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (question_id, language)
);

-- A program's evaluation settings. The row also says the program's
-- questions have been written out: until then the defaults apply.
CREATE TABLE evaluation_settings (
    program_id INTEGER PRIMARY KEY REFERENCES programs(id) ON DELETE CASCADE,
    share_text INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

-- One person's private answer to one question. value holds the scale
-- (1-5), yes/no (1/0) or the chosen option's index; text the free text.
CREATE TABLE evaluation_answers (
    checkpoint_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    question_id   INTEGER NOT NULL REFERENCES evaluation_questions(id) ON DELETE CASCADE,
    value         INTEGER,
    text          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (checkpoint_id, user_id, question_id),
    FOREIGN KEY (checkpoint_id, user_id) REFERENCES checkpoint_responses(checkpoint_id, user_id) ON DELETE CASCADE
);
CREATE INDEX evaluation_answers_question ON evaluation_answers(question_id);

-- One person's re-assessment of a goal in the final evaluation. The goal's
-- title is copied so the answer survives the goal being deleted.
CREATE TABLE evaluation_goal_reviews (
    checkpoint_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    goal_id       INTEGER NOT NULL,
    goal_title    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('reached', 'partly', 'not_reached')),
    comment       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (checkpoint_id, user_id, goal_id),
    FOREIGN KEY (checkpoint_id, user_id) REFERENCES checkpoint_responses(checkpoint_id, user_id) ON DELETE CASCADE
);
