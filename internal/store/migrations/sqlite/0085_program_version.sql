-- A program's version counts its changes (its settings and role words are
-- saved together, one more each time). A page keeps the program from one
-- view to the next and reads only this number, with the pair, to know
-- whether what it keeps is still the program in the database.
ALTER TABLE programs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
