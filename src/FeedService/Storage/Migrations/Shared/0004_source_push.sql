-- Push subscriptions (WebSub) of aggregated sources to the hubs their feeds advertise.
CREATE TABLE source_push (
    source_id {Int} PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    hub_url TEXT NOT NULL,
    topic_url TEXT NOT NULL,
    callback_token TEXT NOT NULL UNIQUE,   -- the secret part of our callback URL
    secret TEXT NOT NULL,                  -- HMAC key the hub signs deliveries with
    state TEXT NOT NULL,                   -- requested | active | denied | expired | failed
    lease_seconds {Int},
    expires_at TEXT,
    requested_at TEXT NOT NULL,
    verified_at TEXT,
    last_push_at TEXT,
    last_error TEXT
);

CREATE INDEX ix_source_push_expiry ON source_push (state, expires_at);
