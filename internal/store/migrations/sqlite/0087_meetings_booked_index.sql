-- The meetings a pair has booked (not cancelled) in order of start, then id:
-- the order meetings are numbered in. The next meeting and the few after it
-- are then the first entries past now, and a meeting's number counts only
-- the entries before it, instead of reading and sorting every meeting of
-- the pair for each.
CREATE INDEX meetings_pair_booked ON meetings (pair_id, starts_at, id) WHERE status <> 'cancelled';
