-- Sources: other sites' feeds, polled into categories.
CREATE TABLE sources (
    id {Id},
    url TEXT NOT NULL UNIQUE,                 -- the feed URL polled now (a 301/308 moves it)
    requested_url TEXT NOT NULL,              -- what the publisher gave (may be an HTML page)
    title TEXT,
    site_link TEXT,
    format TEXT,
    poll_interval_seconds {Int},            -- NULL: FeedService:Aggregation:DefaultPollInterval
    enabled {Bool} NOT NULL DEFAULT {True},
    disabled_reason TEXT,
    etag TEXT,                                -- validators exactly as the server sent them
    last_modified TEXT,
    last_fetched_at TEXT,
    last_status {Int},
    last_outcome TEXT,
    last_error TEXT,
    items_seen {Int} NOT NULL DEFAULT 0,    -- of the last successful poll
    items_added {Int} NOT NULL DEFAULT 0,
    items_updated {Int} NOT NULL DEFAULT 0,
    consecutive_failures {Int} NOT NULL DEFAULT 0,
    next_poll_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_sources_due ON sources (enabled, next_poll_at);

CREATE TABLE source_categories (
    source_id {Int} NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    category_id {Int} NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, category_id)
);

-- Provenance of aggregated posts. The source's URL and title are copied onto the post so the
-- feeds keep saying where it came from even after the source is removed.
ALTER TABLE posts ADD COLUMN source_id {Int} REFERENCES sources (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN source_url TEXT;
ALTER TABLE posts ADD COLUMN source_title TEXT;
ALTER TABLE posts ADD COLUMN source_entry_key TEXT;     -- identity upstream: id:…, link:… or hash:…
ALTER TABLE posts ADD COLUMN source_content_hash TEXT;  -- detects an edited entry

CREATE UNIQUE INDEX ux_posts_source_entry ON posts (source_id, source_entry_key) WHERE source_id IS NOT NULL;

-- Entries whose post the publisher deleted: never ingested again from that source.
CREATE TABLE source_tombstones (
    source_id {Int} NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    PRIMARY KEY (source_id, entry_key)
);
