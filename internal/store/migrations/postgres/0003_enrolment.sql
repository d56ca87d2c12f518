-- A coordinator can withdraw an invitation; the row stays so the list shows
-- what happened and the link answers with a clear message.
ALTER TABLE invitations ADD COLUMN revoked_at TIMESTAMPTZ;
CREATE INDEX invitations_email ON invitations(program_id, email);
