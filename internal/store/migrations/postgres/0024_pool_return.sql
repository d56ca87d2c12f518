-- A mentee whose pair closed waits for a new mentor only when someone asked
-- for it: the mentee when ending ('asked'), a coordinator when ending the
-- pair or later ('coordinator'), or the chemistry rematch ('rematch').
-- returned_at is when that happened; the mentee is back in the matching
-- pool while it is at or after the end of their latest pair, so a later
-- pair that closes without asking takes them out again with nothing to
-- reset. Who may never be proposed together again is not stored: it is
-- every mentor and mentee who shared a pair, read from pair_members.
ALTER TABLE participants ADD COLUMN returned_at TIMESTAMPTZ;
ALTER TABLE participants ADD COLUMN return_how TEXT NOT NULL DEFAULT ''
    CHECK (return_how IN ('', 'asked', 'coordinator', 'rematch'));
