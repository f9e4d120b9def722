-- The current feed documents as the regenerator rendered them: the bytes, their gzip and brotli encodings and the
-- validators. Serving and the WebSub hub read these (in memory), feeds/ is written from them, and a restart keeps each
-- document's Last-Modified until its bytes change.
CREATE TABLE feed_documents (
    name TEXT PRIMARY KEY,            -- "tech.atom", "all.json"
    body {Bytes} NOT NULL,
    gzip {Bytes} NOT NULL,
    brotli {Bytes} NOT NULL,
    etag TEXT NOT NULL,               -- strong, quoted, derived from body
    last_modified TEXT NOT NULL       -- when body last changed
);
