-- 7: update posts (issue 18): a channel that follows the case ("/recap subscribe updates", a
-- subscription whose frequency is 'updates' and whose next_due stays NULL) is told of each new
-- content version once. Nothing here depends on 3-5 (reserved) or on the versions table (4):
-- versions are referred to by number.

-- The version each update subscription was last told of (at first: the one it subscribed at,
-- which is never announced). Moved forward by the claim of the next post, compare-and-set.
CREATE TABLE update_state (
    subscription_id BIGINT PRIMARY KEY REFERENCES subscriptions(id) ON DELETE CASCADE,
    told_version INTEGER NOT NULL
);

-- One row per (subscription, version) announced: claimed, then sent, skipped or failed, with a
-- lease renewed by its owner's heartbeat, as recap deliveries are.
CREATE TABLE update_deliveries (
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,        -- the version announced
    since_version INTEGER NOT NULL,  -- the version it was compared with (told before)
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
    claimed_by TEXT NOT NULL,
    claimed_at {TIMESTAMP} NOT NULL,
    lease_until {TIMESTAMP} NOT NULL,
    finished_at {TIMESTAMP},
    detail TEXT,
    PRIMARY KEY (subscription_id, version)
);

CREATE INDEX update_deliveries_open_by_lease ON update_deliveries (lease_until) WHERE status = 'claimed';

CREATE INDEX update_deliveries_open_by_owner ON update_deliveries (claimed_by) WHERE status = 'claimed';
