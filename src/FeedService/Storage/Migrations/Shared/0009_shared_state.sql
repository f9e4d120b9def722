-- What the nodes sharing this database coordinate through (one node on SQLite uses the same tables).

-- Feeds whose content changed since a regeneration run last took them: a category's slug, "all", or "*" for every feed.
-- A write marks them here before its 201; whichever worker runs next takes (deletes) them and renders them.
CREATE TABLE dirty_feeds (
    slug TEXT PRIMARY KEY,
    marked_at TEXT NOT NULL
);

-- Every publication of documents takes the next number; a node that has seen an older one loads what changed.
ALTER TABLE feed_documents ADD COLUMN publication {Int} NOT NULL DEFAULT 0;

-- Each feed's RFC 5005 archive as the last run saw it (which posts each page holds, its hash and Last-Modified, as
-- JSON), so every node renders and serves the same pages.
CREATE TABLE feed_archives (
    slug TEXT PRIMARY KEY,
    publication {Int} NOT NULL,
    feed TEXT NOT NULL
);

INSERT INTO site_settings (key, value) VALUES ('publication', '0') ON CONFLICT DO NOTHING;

-- A worker's claim on a due source while it polls it: which node, and until when. The node extends it while it works;
-- a claim that lapses (its node died) is taken over by the next worker that looks for due sources.
ALTER TABLE sources ADD COLUMN claimed_by TEXT;
ALTER TABLE sources ADD COLUMN claimed_until TEXT;

-- One request at a time per host across every node that fetches: whose turn it is (node/turn), and until when.
CREATE TABLE host_turns (
    host TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until TEXT NOT NULL
);
