-- Where a program's rules came from when it was made: '' (typed in, or the
-- built-in defaults), 'copy' (another program, dates moved) or 'template'.
-- The launch checklist counts copied and templated rules as chosen.
ALTER TABLE programs ADD COLUMN rules_from TEXT NOT NULL DEFAULT '';
