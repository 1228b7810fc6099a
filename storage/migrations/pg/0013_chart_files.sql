-- A summary's chart is owed as its figures (kind 'chart') and drawn when it is sent, after
-- the summary's text.
ALTER TABLE outbox_files DROP CONSTRAINT outbox_files_kind_check;
ALTER TABLE outbox_files ADD CONSTRAINT outbox_files_kind_check
    CHECK (kind IN ('document', 'photo', 'chart'));
