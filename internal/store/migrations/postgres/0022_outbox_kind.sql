-- What kind of email a row is (password_reset, meeting_proposed, ...), so
-- that administrators can tell emails apart from the envelope alone: the
-- outbox pages never show a body, which may hold what a pair wrote or a
-- link that logs the recipient in. Rows written before this have none.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
