-- Answers to API requests that carried an Idempotency-Key, kept for 24 hours
-- so that a client that retries (after a timeout, say) gets the first answer
-- again instead of creating the thing twice. status 0 marks a request still
-- being answered. The body is the JSON the API sent to this same person.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    location     TEXT NOT NULL,
    body         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
