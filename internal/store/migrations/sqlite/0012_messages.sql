-- Short messages between a pair's members, where the program and the
-- agreement allow them. Only the pair reads them.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    sender_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    urgent     INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_pair ON messages(pair_id, id);

-- How far each member has read a pair's thread: messages up to and
-- including last_read_id are read. One row per member keeps read state
-- cheap however long the thread grows.
CREATE TABLE message_reads (
    pair_id      INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_id INTEGER NOT NULL DEFAULT 0,
    read_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (pair_id, user_id)
);
