-- pair_facts.meetings no longer keeps start order. A booking appended its
-- meeting by reading every meeting of the pair again and sorting them, so
-- each booking cost more the more the pair had booked (0.8 ms for a pair
-- with forty, bench/README.md); now it appends one word to the list. Its
-- readers (program.ReadBooked) take counts, the earliest and the latest,
-- which no order changes. Changing or deleting a meeting still works the
-- list out from scratch, and only when its status or start changed.
CREATE OR REPLACE FUNCTION meetings_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- The row lock the UPDATE takes orders concurrent bookings of one
        -- pair; each appends to the list as the one before left it.
        IF NEW.status IN ('confirmed', 'proposed') THEN
            UPDATE pair_facts SET meetings = meetings || CASE WHEN meetings = '' THEN '' ELSE ' ' END
                || CASE NEW.status WHEN 'confirmed' THEN 'c' ELSE 'p' END || floor(EXTRACT(EPOCH FROM NEW.starts_at))::bigint
                WHERE pair_id = NEW.pair_id;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM refresh_pair_facts('meeting', CASE WHEN TG_OP = 'DELETE' THEN OLD.pair_id ELSE NEW.pair_id END);
    RETURN NULL;
END $$;

DROP TRIGGER meetings_facts ON meetings;
CREATE TRIGGER meetings_facts AFTER INSERT OR DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION meetings_facts();
CREATE TRIGGER meetings_facts_change AFTER UPDATE OF status, starts_at ON meetings FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.starts_at IS DISTINCT FROM NEW.starts_at)
    EXECUTE FUNCTION meetings_facts();
