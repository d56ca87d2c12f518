-- The emails still to send, in the order the worker claims them. Sent
-- emails stay in the outbox for the coordinators' list, so it only grows;
-- the worker's claim, every few seconds, reads this index's first entries
-- instead of the whole table (on PostgreSQL with statistics older than the
-- sent rows, a sequential scan of every email ever queued).
CREATE INDEX outbox_unsent ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;
