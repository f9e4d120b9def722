-- The built-in WebSub hub (W3C WebSub, 2018): who is subscribed to which of our feeds, and what was sent to them.

-- One row per (topic, callback). 'pending' exists only between a first subscription request and the outcome of its
-- verification (a refused one is removed); 'active' rows are verified and live until expires_at. A renewal that is
-- not verified leaves the active row as it was. The secret is kept as given: deliveries are signed with it.
CREATE TABLE websub_hub_subscriptions (
    id {Id},
    topic TEXT NOT NULL,                      -- {BaseUrl}/feeds/{slug}.{rss|atom|json}
    callback TEXT NOT NULL,
    secret TEXT,                              -- NULL: deliveries are not signed
    lease_seconds {Int} NOT NULL,           -- as granted (requested, capped)
    state TEXT NOT NULL CHECK (state IN ('pending', 'active')),
    expires_at TEXT,                          -- NULL while pending
    verified_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (topic, callback)
);

CREATE INDEX ix_websub_hub_subscriptions_expiry ON websub_hub_subscriptions (state, expires_at);

-- Every delivery attempt (a bounded history: pruned by age and count).
CREATE TABLE websub_hub_deliveries (
    id {Id},
    topic TEXT NOT NULL,
    callback TEXT NOT NULL,
    attempt {Int} NOT NULL,
    status_code {Int},                      -- NULL: no HTTP answer (timeout, refused, network error)
    outcome TEXT NOT NULL,                    -- delivered | failed (retried) | gave-up | gone | superseded
    error TEXT,
    duration_ms {Real} NOT NULL,
    at TEXT NOT NULL
);

CREATE INDEX ix_websub_hub_deliveries_at ON websub_hub_deliveries (at);
CREATE INDEX ix_websub_hub_deliveries_topic ON websub_hub_deliveries (topic, id);

-- Every verification of intent (subscribe or unsubscribe) and its outcome, also bounded.
CREATE TABLE websub_hub_verifications (
    id {Id},
    mode TEXT NOT NULL,                       -- subscribe | unsubscribe
    topic TEXT NOT NULL,
    callback TEXT NOT NULL,
    lease_seconds {Int},
    outcome TEXT NOT NULL,                    -- verified | refused | failed
    status_code {Int},
    error TEXT,
    at TEXT NOT NULL
);

CREATE INDEX ix_websub_hub_verifications_at ON websub_hub_verifications (at);
