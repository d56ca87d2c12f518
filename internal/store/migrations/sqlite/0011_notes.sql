-- What a pair prepares and writes down around its meetings, and the program
-- templates they draw on.
--
-- A program's meeting plan (ordered themes), topic library and activity
-- library live per language. A program with no row in meeting_plans for a
-- language uses the defaults built into the program (internal/meeting), so
-- every new program starts from them; the first save in a language copies
-- the whole plan for that language here. version guards against two
-- coordinators overwriting each other.
CREATE TABLE meeting_plans (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (program_id, language)
);
CREATE TABLE meeting_plan_items (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL,
    language    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('theme', 'topic', 'activity')),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (program_id, language) REFERENCES meeting_plans(program_id, language) ON DELETE CASCADE
);
CREATE INDEX meeting_plan_items_list ON meeting_plan_items(program_id, language, kind, position);

-- The mentee's agenda for one meeting. Items are copies, not references, so
-- a later edit of the program's plan never rewrites an agenda.
CREATE TABLE agendas (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE agenda_items (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES agendas(meeting_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('theme', 'topic', 'activity', 'own')),
    title      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);

-- The pair's shared notes of a meeting, one field per step of the meeting
-- checklist. Both sides edit them; version turns a stale save into a
-- conflict instead of a silent overwrite.
CREATE TABLE meeting_notes (
    meeting_id   INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    since_last   TEXT NOT NULL DEFAULT '',
    today        TEXT NOT NULL DEFAULT '',
    time_minutes INTEGER NOT NULL DEFAULT 0,
    theme        TEXT NOT NULL DEFAULT '',
    next_steps   TEXT NOT NULL DEFAULT '',
    reflection   TEXT NOT NULL DEFAULT '',
    remember     TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL CHECK (version > 0),
    updated_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- One person's own notes of a meeting: nobody else ever reads them, not
-- the other people on their side and not the coordinator.
CREATE TABLE private_notes (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

-- Who does what before the next meeting. An item is agreed at one meeting
-- and reviewed at the following ones until it is done or dropped there
-- (closed_meeting_id); carrying it over leaves it open and adds a review row.
CREATE TABLE action_items (
    id                INTEGER PRIMARY KEY,
    pair_id           INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    meeting_id        INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    body              TEXT NOT NULL,
    owner_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due_date          TEXT NOT NULL DEFAULT '',
    goal_id           INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    closed_meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX action_items_pair ON action_items(pair_id, status, due_date);
CREATE INDEX action_items_meeting ON action_items(meeting_id);
CREATE INDEX action_items_closed ON action_items(closed_meeting_id) WHERE closed_meeting_id IS NOT NULL;
CREATE TABLE action_reviews (
    action_id   INTEGER NOT NULL REFERENCES action_items(id) ON DELETE CASCADE,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'carried', 'dropped')),
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (action_id, meeting_id)
);
CREATE INDEX action_reviews_meeting ON action_reviews(meeting_id);
