-- A coordinator's nudge written into a pair's thread (meeting.Nudge): the
-- kind of nudge, so each member reads it in their own language. body holds
-- the same text in the program's language for readers that do not know
-- nudges (exports). Empty for messages the pair wrote.
ALTER TABLE messages ADD COLUMN nudge TEXT NOT NULL DEFAULT '';
