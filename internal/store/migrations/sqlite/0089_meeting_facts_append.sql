-- pair_facts.meetings no longer keeps start order. A booking appended its
-- meeting by reading every meeting of the pair again and sorting them, so
-- each booking cost more the more the pair had booked; now it appends one
-- word to the list. Its readers (program.ReadBooked) take counts, the
-- earliest and the latest, which no order changes. Changing or deleting a
-- meeting still works the list out from scratch, and only when its status
-- or start changed.
DROP TRIGGER meetings_facts_insert;
CREATE TRIGGER meetings_facts_insert AFTER INSERT ON meetings WHEN NEW.status IN ('confirmed', 'proposed')
BEGIN
    UPDATE pair_facts SET meetings = meetings || CASE WHEN meetings = '' THEN '' ELSE ' ' END
        || CASE NEW.status WHEN 'confirmed' THEN 'c' ELSE 'p' END || unixepoch(NEW.starts_at)
        WHERE pair_id = NEW.pair_id;
END;

DROP TRIGGER meetings_facts_update;
CREATE TRIGGER meetings_facts_update AFTER UPDATE OF status, starts_at ON meetings
    WHEN OLD.status IS NOT NEW.status OR OLD.starts_at IS NOT NEW.starts_at
BEGIN
    UPDATE pair_facts SET (meetings) =
        (SELECT meetings FROM pair_meeting_facts v WHERE v.pair_id = pair_facts.pair_id)
        WHERE pair_id = NEW.pair_id;
END;
