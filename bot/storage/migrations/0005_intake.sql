-- 5: intake (issue 19): new reporting and court filings found by the bot, kept for the
-- editors to decide on, and the one post each gets in the editors' channel.
-- A candidate is known by its URL, its GUID (a feed's item id, a docket entry's id) and the
-- SHA-256 of its text: each is unique, so the same item is never kept (or posted) twice,
-- and a rejected one stays, marked, so it never comes back. Nothing here depends on 3-4.
CREATE TABLE intake_candidates (
    id {ID},
    kind TEXT NOT NULL,            -- article | filing
    origin TEXT NOT NULL,          -- the feed URL, courtlistener:<docket>, or "brief add"
    url TEXT NOT NULL UNIQUE,
    guid TEXT UNIQUE,
    content_hash TEXT UNIQUE,      -- SHA-256 of the article text; NULL for a filing
    title TEXT NOT NULL,
    outlet TEXT NOT NULL DEFAULT '',
    stated_date TEXT NOT NULL DEFAULT '',   -- as the item states it, never parsed
    body TEXT NOT NULL DEFAULT '',          -- the article text (trafilatura), or the entry's description
    review TEXT NOT NULL DEFAULT '',        -- JSON: verdict counts and lines, for the post and `intake show`
    status TEXT NOT NULL DEFAULT 'new',     -- new | accepted | rejected | seen (a docket's first page)
    source_id TEXT,                -- once accepted: the id in SEEDS_DIR
    found_at {TIMESTAMP} NOT NULL,
    decided_at {TIMESTAMP},
    -- The editors' post, exactly once: a claim with a lease, when each message was attempted
    -- (an attempt without its id is an unknown outcome: the channel is looked at first), and
    -- the ids once known.
    post_owner TEXT,
    post_lease_until {TIMESTAMP},
    post_tried_at {TIMESTAMP},
    post_id TEXT,
    reply_tried_at {TIMESTAMP},
    reply_id TEXT,
    posted_at {TIMESTAMP}
);
CREATE INDEX intake_candidates_unposted ON intake_candidates (posted_at, status);

-- What each feed answered last: its validators for the next conditional request.
CREATE TABLE intake_feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    polled_at {TIMESTAMP}
);
