-- A personal note from the coordinator, carried in the invitation email.
ALTER TABLE invitations ADD COLUMN note TEXT NOT NULL DEFAULT '';
