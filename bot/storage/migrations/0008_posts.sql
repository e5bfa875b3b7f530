-- 8: posts and corrections in place (issue 18c). Every message the bot posts in a channel
-- (scheduled recaps, update posts, public replies; never private ones), the claims it showed,
-- and, per (post, version), the correction made in place: claimed with a lease like a recap
-- slot, so several instances edit each post once. Nothing here depends on 3, 4, 5 or 7.
CREATE TABLE post_bodies (
    digest TEXT PRIMARY KEY,      -- sha256 of the reply's JSON: a fan-out's posts share one
    reply TEXT NOT NULL           -- the neutral Reply (bot.core.reply) as JSON
);

CREATE TABLE posts (
    id {ID},
    platform TEXT NOT NULL,       -- "slack", "discord"
    workspace TEXT NOT NULL,      -- Slack team id; Discord guild id; "" when unknown
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,     -- Slack ts; Discord message id
    kind TEXT NOT NULL,           -- "recap", "update", "reply"
    version INTEGER,              -- the content version it shows (NULL: none recorded yet)
    lang TEXT NOT NULL,
    body TEXT NOT NULL,           -- post_bodies.digest of what it shows now
    posted_at {TIMESTAMP} NOT NULL,
    UNIQUE (platform, channel, message_id)
);

CREATE TABLE post_claims (
    claim_key TEXT NOT NULL,      -- ClaimSnapshot.key: the claim's {#id}
    post_id BIGINT NOT NULL,
    PRIMARY KEY (claim_key, post_id)
);

CREATE INDEX post_claims_post ON post_claims (post_id);

CREATE TABLE post_corrections (
    post_id BIGINT NOT NULL,
    version INTEGER NOT NULL,     -- the version that corrected or withdrew a claim it showed
    status TEXT NOT NULL,         -- claimed, edited (thread reply owed), done, skipped, failed
    claimed_by TEXT NOT NULL,
    claimed_at {TIMESTAMP} NOT NULL,
    lease_until {TIMESTAMP} NOT NULL,
    finished_at {TIMESTAMP},
    detail TEXT,
    PRIMARY KEY (post_id, version)
);

CREATE INDEX post_corrections_open ON post_corrections (status, lease_until);

CREATE TABLE correction_pauses (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    reason TEXT NOT NULL,         -- why the platform refused an edit (no permission, archived)
    paused_at {TIMESTAMP} NOT NULL,
    PRIMARY KEY (platform, channel)
)
