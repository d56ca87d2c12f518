-- A new password voids every unused reset link of the account, so the links
-- are looked up by person.
CREATE INDEX password_resets_user ON password_resets(user_id);
