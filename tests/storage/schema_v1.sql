-- The schema that bot/recaps/store.py (schema 1) created, verbatim, and rows as it wrote them.
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL CHECK (platform IN ('slack', 'discord')),
    channel TEXT NOT NULL,
    frequency TEXT NOT NULL,      -- "daily", "weekly mon" or a cron expression
    time TEXT NOT NULL,           -- HH:MM local ("" for cron)
    timezone TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'chat' CHECK (origin IN ('chat', 'settings')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    paused_reason TEXT,
    UNIQUE (platform, channel, frequency, time, timezone)
);
CREATE TABLE deliveries (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    slot TEXT NOT NULL,           -- the scheduled instant, UTC ISO-8601
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    finished_at TEXT,
    detail TEXT,
    PRIMARY KEY (subscription_id, slot)
);
CREATE TABLE channel_state (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    told_at TEXT NOT NULL,
    snapshot TEXT NOT NULL,       -- JSON: sources and claims as last recapped
    PRIMARY KEY (platform, channel)
);
INSERT INTO subscriptions VALUES (1, 'slack', 'C1', 'daily', '09:00', 'Europe/Paris', 'chat', 'U1', '2026-03-01T08:00:00Z', NULL);
INSERT INTO subscriptions VALUES (2, 'discord', 'D1', '0 9 * * 1', '', 'UTC', 'settings', 'settings', '2026-03-01T08:00:00Z', 'missing access');
INSERT INTO deliveries VALUES (1, '2026-03-09T08:00:00Z', 'sent', 'host:1', '2026-03-09T08:00:01Z', '2026-03-09T08:00:02Z', NULL);
INSERT INTO deliveries VALUES (1, '2026-03-10T08:00:00Z', 'claimed', 'host:1', '2026-03-10T08:00:01Z', NULL, NULL);
INSERT INTO channel_state VALUES ('slack', 'C1', '2026-03-09T08:00:02Z', '{"claims": ["ruling-1"]}');
PRAGMA user_version = 1;
