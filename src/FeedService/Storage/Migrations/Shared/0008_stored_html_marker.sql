-- Until this version, a post written through the API was stored as sent and sanitized each time it was rendered; now
-- it is sanitized once, when it is written, and rendered as stored. A database that already holds posts is marked
-- here, and Posts/StoredHtmlUpgrade sanitizes those posts once at the next start, then removes the mark.
INSERT INTO site_settings (key, value) SELECT 'posts_html_unsanitized', '1' WHERE EXISTS (SELECT 1 FROM posts WHERE source_id IS NULL);
