-- Schema 1 -> 2: CloudTrail rows record their position in the source file, and the import may
-- insert records it then deletes within the batch's transaction, so the key columns are nullable.
ALTER TABLE cloudtrail_events ADD COLUMN source_record BIGINT;
ALTER TABLE cloudtrail_events ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE cloudtrail_events ALTER COLUMN event_time DROP NOT NULL;
