-- The one action an email asks for (its link and the button's label in the
-- recipient's language), so that the HTML part can show it as a button
-- while the text part stays as written. Rows written before this have none
-- and go out with a plain HTML part.
ALTER TABLE outbox ADD COLUMN action_url TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN action_label TEXT NOT NULL DEFAULT '';
