-- The dashboard reads each pair's latest held, first held and next
-- meeting: with status before the start time, each is one seek in this
-- index and the meetings table itself is not read.
CREATE INDEX meetings_pair_status ON meetings(pair_id, status, starts_at);
