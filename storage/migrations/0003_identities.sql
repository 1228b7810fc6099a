-- dondoc: foreign_keys off
-- (The marker above makes the runner switch foreign keys off around this step, which rebuilds
-- the officials table, and run PRAGMA foreign_key_check before committing it.)

-- One account per official per platform; lookups go by (platform, external id).
CREATE TABLE identities (
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    official_id        INTEGER NOT NULL REFERENCES officials(id),
    linked_at          TEXT NOT NULL,
    last_used_at       TEXT,
    unreachable_at     TEXT,
    unreachable_reason TEXT,
    PRIMARY KEY (platform, external_id),
    UNIQUE (official_id, platform)
);

INSERT INTO identities (platform, external_id, official_id, linked_at)
SELECT 'telegram', CAST(telegram_id AS TEXT), id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM officials WHERE telegram_id IS NOT NULL;
INSERT INTO identities (platform, external_id, official_id, linked_at)
SELECT 'zalo', zalo_id, id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM officials WHERE zalo_id IS NOT NULL AND zalo_id != '';

-- Officials without the per-platform columns; removed ones are kept, inactive, for history.
CREATE TABLE officials_new (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    name               TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('member', 'head', 'leader', 'admin')),
    phone              TEXT,
    active             INTEGER NOT NULL DEFAULT 1,
    deactivated_at     TEXT,
    preferred_platform TEXT,
    UNIQUE (unit_id, name)
);
INSERT INTO officials_new (id, unit_id, name, role, phone)
SELECT id, unit_id, name, role, phone FROM officials;
DROP TABLE officials;
ALTER TABLE officials_new RENAME TO officials;

-- One-time sign-up codes made by `dondoc org invite`; only a hash of the code is kept.
CREATE TABLE invites (
    code_hash   TEXT PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX invites_official ON invites(official_id);
