-- agreement_rev counts the writes to a pair's agreement (its versions and
-- their signatures, whatever the statement). A page keeps what the pair's
-- terms are worked out from and reads only this number, with the pair, to
-- know whether what it keeps is still the agreement in the database.
ALTER TABLE pair_facts ADD COLUMN agreement_rev INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER agreement_versions_rev_insert AFTER INSERT ON agreement_versions
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1 WHERE pair_id = NEW.pair_id;
END;
CREATE TRIGGER agreement_versions_rev_update AFTER UPDATE ON agreement_versions
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1 WHERE pair_id IN (OLD.pair_id, NEW.pair_id);
END;
CREATE TRIGGER agreement_versions_rev_delete AFTER DELETE ON agreement_versions
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1 WHERE pair_id = OLD.pair_id;
END;
CREATE TRIGGER agreement_signatures_rev_insert AFTER INSERT ON agreement_signatures
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1
        WHERE pair_id = (SELECT pair_id FROM agreement_versions WHERE id = NEW.version_id);
END;
CREATE TRIGGER agreement_signatures_rev_update AFTER UPDATE ON agreement_signatures
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1
        WHERE pair_id IN (SELECT pair_id FROM agreement_versions WHERE id IN (OLD.version_id, NEW.version_id));
END;
CREATE TRIGGER agreement_signatures_rev_delete AFTER DELETE ON agreement_signatures
BEGIN
    UPDATE pair_facts SET agreement_rev = agreement_rev + 1
        WHERE pair_id = (SELECT pair_id FROM agreement_versions WHERE id = OLD.version_id);
END;
