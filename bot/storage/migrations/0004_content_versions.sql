-- 4: content versions (issue 18): every content load that verified and said something new,
-- with its claims, so history survives restarts and is shared by instances. Numbers are
-- given by the store (the latest plus one, under the write lock), so they run 1, 2, 3 without
-- gaps; a version is recorded once for each change of content_hash. Nothing here depends
-- on 3 or 5 (reserved).
CREATE TABLE content_versions (
    number INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    as_of TEXT NOT NULL,              -- YYYY-MM-DD: the newest source date of that content
    recorded_at {TIMESTAMP} NOT NULL,
    snapshot TEXT NOT NULL            -- JSON: its claims (key, topic, section, text, quotes, correction) and sources
);

CREATE INDEX content_versions_by_hash ON content_versions (content_hash);
