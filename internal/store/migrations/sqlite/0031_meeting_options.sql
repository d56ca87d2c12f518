-- The other times a proposal offers. The meeting row holds the first
-- (so every list, the pair's stage and the reminders read a proposal as
-- before); these are the second and third, until the other side picks one
-- or answers with times of their own.
CREATE TABLE meeting_options (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 2 AND 3),
    starts_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, position)
);
