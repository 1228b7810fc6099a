-- PostgreSQL twin of ../0003_identities.sql: PostgreSQL alters the officials table in place
-- where SQLite rebuilds it.
CREATE TABLE identities (
    rowid              BIGSERIAL,
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    official_id        BIGINT NOT NULL REFERENCES officials(id),
    linked_at          TEXT NOT NULL,
    last_used_at       TEXT,
    unreachable_at     TEXT,
    unreachable_reason TEXT,
    PRIMARY KEY (platform, external_id),
    UNIQUE (official_id, platform)
);

INSERT INTO identities (platform, external_id, official_id, linked_at)
SELECT 'telegram', CAST(telegram_id AS TEXT), id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
FROM officials WHERE telegram_id IS NOT NULL;
INSERT INTO identities (platform, external_id, official_id, linked_at)
SELECT 'zalo', zalo_id, id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
FROM officials WHERE zalo_id IS NOT NULL AND zalo_id != '';

ALTER TABLE officials DROP COLUMN telegram_id;
ALTER TABLE officials DROP COLUMN zalo_id;
ALTER TABLE officials ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE officials ADD COLUMN deactivated_at TEXT;
ALTER TABLE officials ADD COLUMN preferred_platform TEXT;

CREATE TABLE invites (
    rowid       BIGSERIAL,
    code_hash   TEXT PRIMARY KEY,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX invites_official ON invites(official_id);
