-- Files sent with an email, such as a meeting's calendar file. They live
-- beside the outbox row so that a retry sends exactly the same email.
CREATE TABLE outbox_attachments (
    id           INTEGER PRIMARY KEY,
    outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX outbox_attachments_outbox ON outbox_attachments(outbox_id, id);
