-- Files made when their message is sent, after its text: a summary's chart ('chart', its
-- figures) and a report's Word and Excel files ('report', its scope and period).
ALTER TABLE outbox_files DROP CONSTRAINT outbox_files_kind_check;
ALTER TABLE outbox_files ADD CONSTRAINT outbox_files_kind_check
    CHECK (kind IN ('document', 'photo', 'chart', 'report'));
