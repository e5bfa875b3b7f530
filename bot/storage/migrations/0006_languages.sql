-- 6: languages (issue 20): the language each person chose (/brief lang es), and the language
-- a subscription's recaps are written in. Nothing here depends on 3-5 (reserved).
CREATE TABLE user_languages (
    platform TEXT NOT NULL,
    workspace TEXT NOT NULL,      -- Slack team id; "" on Discord (a person's choice holds in every server)
    user_id TEXT NOT NULL,
    lang TEXT NOT NULL,           -- "en", "es"
    chosen_at {TIMESTAMP} NOT NULL,
    PRIMARY KEY (platform, workspace, user_id)
);

-- Every subscription made before this was in English.
ALTER TABLE subscriptions ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
