-- 3: recaps under pressure (issue 21). When an open claim first ran out (its owner died or
-- lost the database): a slot claimed in time and never sent counts its grace window from
-- then, not from the slot, however many takers it has had.
ALTER TABLE deliveries ADD COLUMN lapsed_at {TIMESTAMP};
