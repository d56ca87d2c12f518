-- A meeting called off because its pair ended is told apart from one a
-- person cancelled: no reason was typed and nobody cancelled it late, and
-- the ending emails list exactly these meetings.
ALTER TABLE meetings ADD COLUMN ended_with_pair BOOLEAN NOT NULL DEFAULT FALSE;
