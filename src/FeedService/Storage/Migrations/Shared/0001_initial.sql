-- Categories: a slug names the feed files, feed_id is the feed's own permanent id.
CREATE TABLE categories (
    id {Id},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    feed_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Posts: guid is assigned once at creation and never changes. link is NULL when the post's
-- own page is its link (so a new base URL moves the link but never the guid).
CREATE TABLE posts (
    id {Id},
    guid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    author TEXT,
    link TEXT,
    status TEXT NOT NULL CHECK (status IN ('published', 'draft')),
    published_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_posts_visible ON posts (status, published_at DESC, id DESC);

CREATE TABLE post_categories (
    post_id {Int} NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    category_id {Int} NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, category_id)
);

CREATE INDEX ix_post_categories_category ON post_categories (category_id, post_id);

-- Site-wide values that must stay fixed once chosen (the id of the "all" feed).
CREATE TABLE site_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
