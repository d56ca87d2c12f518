-- Announcements: a coordinator writes once to a program's people or to a
-- segment of them. The recipients are fixed when it is sent (one row each,
-- which is also what makes it one email per person), and each row keeps
-- whether that person has put it away from their start page. send_key
-- comes from the confirmation form, so sending the same form twice sends
-- nothing the second time.
CREATE TABLE announcements (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    segment    TEXT NOT NULL CHECK (segment IN ('all', 'mentors', 'mentees', 'behind', 'checkpoint')),
    language   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    send_key   TEXT,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX announcements_program ON announcements(program_id, created_at);
CREATE UNIQUE INDEX announcements_send_key ON announcements(program_id, send_key);

CREATE TABLE announcement_recipients (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dismissed_at    TIMESTAMP,
    PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_recipients_user ON announcement_recipients(user_id, announcement_id);
