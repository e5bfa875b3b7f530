-- 3: recaps under pressure (issue 21).

-- When an open claim first ran out (its owner died or
-- lost the database): a slot claimed in time and never sent counts its grace window from
-- then, not from the slot, however many takers it has had.
ALTER TABLE deliveries ADD COLUMN lapsed_at {TIMESTAMP};

-- What a fan-out told its channels, stored once per distinct snapshot (a recap tells
-- thousands of channels the same 25 KB): channel_state.digest names it, and its own snapshot
-- column is then ''. Rows without a digest keep their snapshot inline, as before.
CREATE TABLE told_snapshots (
    digest TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL
);

ALTER TABLE channel_state ADD COLUMN digest TEXT;
