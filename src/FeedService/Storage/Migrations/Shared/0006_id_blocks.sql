-- Post ids come from blocks reserved here, each reservation synced to disk before any id of its block is used, so a new
-- post never takes the id of one that existed before: not after the newest post is deleted (SQLite would hand out
-- max(id) + 1 again), and not after a power cut that lost posts written with FeedService:Storage:Synchronous=Normal.
CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    reserved_through {Int} NOT NULL
);

INSERT INTO id_blocks (name, reserved_through) SELECT 'posts', COALESCE(MAX(id), 0) FROM posts;
