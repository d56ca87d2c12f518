-- Pairs that ended before endings called off their meetings may still hold
-- live meetings after their end; they are called off now as an ending does
-- (program.callOffMeetings), so no calendar, page or reminder keeps them.
-- No email goes out: the pairs ended long ago, and the feed and the
-- meeting's calendar file already say CANCELLED with a raised SEQUENCE.
INSERT INTO meeting_events (meeting_id, pair_id, kind, user_id, starts_at, reason, late, created_at)
SELECT m.id, m.pair_id, 'cancelled', NULL, m.starts_at, '', FALSE, p.ended_at
FROM meetings m JOIN pairs p ON p.id = m.pair_id
WHERE p.status = 'ended' AND m.status IN ('confirmed', 'proposed') AND m.starts_at > p.ended_at;

UPDATE meetings m SET status = 'cancelled', ended_with_pair = TRUE, cancel_reason = '', cancelled_by = NULL,
    cancelled_at = p.ended_at, late_cancel = FALSE, sequence = m.sequence + 1, updated_at = p.ended_at
FROM pairs p
WHERE p.id = m.pair_id AND p.status = 'ended' AND m.status IN ('confirmed', 'proposed') AND m.starts_at > p.ended_at;
