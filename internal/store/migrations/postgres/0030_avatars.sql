-- A person's photo, already scaled and re-encoded by the application (no
-- metadata survives). One per person; initials stand in when there is none.
CREATE TABLE avatars (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    image      BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
