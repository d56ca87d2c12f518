-- agreement_rev counts the writes to a pair's agreement (its versions and
-- their signatures, whatever the statement). A page keeps what the pair's
-- terms are worked out from and reads only this number, with the pair, to
-- know whether what it keeps is still the agreement in the database.
ALTER TABLE pair_facts ADD COLUMN agreement_rev BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION agreement_versions_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE pair_facts SET agreement_rev = agreement_rev + 1 WHERE pair_id = OLD.pair_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.pair_id <> OLD.pair_id) THEN
        UPDATE pair_facts SET agreement_rev = agreement_rev + 1 WHERE pair_id = NEW.pair_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agreement_versions_rev AFTER INSERT OR UPDATE OR DELETE ON agreement_versions
    FOR EACH ROW EXECUTE FUNCTION agreement_versions_rev();

CREATE FUNCTION agreement_signatures_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE pair_facts SET agreement_rev = agreement_rev + 1
            WHERE pair_id = (SELECT pair_id FROM agreement_versions WHERE id = OLD.version_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.version_id <> OLD.version_id) THEN
        UPDATE pair_facts SET agreement_rev = agreement_rev + 1
            WHERE pair_id = (SELECT pair_id FROM agreement_versions WHERE id = NEW.version_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agreement_signatures_rev AFTER INSERT OR UPDATE OR DELETE ON agreement_signatures
    FOR EACH ROW EXECUTE FUNCTION agreement_signatures_rev();
