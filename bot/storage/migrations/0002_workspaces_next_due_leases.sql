-- 2: several workspaces and instances: a subscription's workspace and stored next slot; claim leases.
ALTER TABLE subscriptions ADD COLUMN workspace TEXT NOT NULL DEFAULT '';

-- NULL for rows from schema 1 until the scheduler sets it (advance(id, None, next_due)).
ALTER TABLE subscriptions ADD COLUMN next_due {TIMESTAMP};

-- The scheduler's question "what is due now?" reads this index only.
CREATE INDEX subscriptions_due ON subscriptions (next_due, id) WHERE paused_reason IS NULL;

CREATE INDEX subscriptions_workspace ON subscriptions (platform, workspace);

-- A claim is held until lease_until, renewed by its owner's heartbeat; then anyone may take it over.
ALTER TABLE deliveries ADD COLUMN lease_until {TIMESTAMP};

-- Claims left open by schema 1's store: their lease ended when they were made.
UPDATE deliveries SET lease_until = claimed_at WHERE lease_until IS NULL;

CREATE INDEX deliveries_open_by_lease ON deliveries (lease_until) WHERE status = 'claimed';

CREATE INDEX deliveries_open_by_owner ON deliveries (claimed_by) WHERE status = 'claimed';
