-- A person's photo, already scaled and re-encoded by the application (no
-- metadata survives). One per person; initials stand in when there is none.
CREATE TABLE avatars (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    image      BLOB NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
