-- Privacy rights: deleted accounts stay as anonymous rows so that the other
-- side's records (messages, shared notes, signed agreements) keep pointing
-- somewhere; retention_months 0 means the program keeps pair content.
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE programs ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 0 CHECK (retention_months BETWEEN 0 AND 120);
ALTER TABLE programs ADD COLUMN retention_purged_at TIMESTAMP;
