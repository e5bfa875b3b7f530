-- 1: the first schema (what bot/recaps/store.py created; SQLite files at user_version 1 have it).
CREATE TABLE subscriptions (
    id {ID},
    platform TEXT NOT NULL CHECK (platform IN ('slack', 'discord')),
    channel TEXT NOT NULL,
    frequency TEXT NOT NULL,      -- "daily", "weekly mon" or a cron expression
    time TEXT NOT NULL,           -- HH:MM local ("" for cron)
    timezone TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'chat' CHECK (origin IN ('chat', 'settings')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at {TIMESTAMP} NOT NULL,
    paused_reason TEXT,
    UNIQUE (platform, channel, frequency, time, timezone)
);

CREATE TABLE deliveries (
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    slot {TIMESTAMP} NOT NULL,    -- the scheduled instant, UTC
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
    claimed_by TEXT NOT NULL,
    claimed_at {TIMESTAMP} NOT NULL,
    finished_at {TIMESTAMP},
    detail TEXT,
    PRIMARY KEY (subscription_id, slot)
);

CREATE TABLE channel_state (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    told_at {TIMESTAMP} NOT NULL,
    snapshot TEXT NOT NULL,       -- JSON: sources and claims as last recapped
    PRIMARY KEY (platform, channel)
);
