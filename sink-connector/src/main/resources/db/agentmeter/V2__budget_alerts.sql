-- Every budget alert, one row per alertId (scope|period|windowStart|threshold).
CREATE TABLE ${alerts_table} (
    alert_id             text        PRIMARY KEY,
    scope                text        NOT NULL,
    scope_type           text        NOT NULL,
    scope_id             text        NOT NULL,
    period               text        NOT NULL,
    window_start         timestamptz NOT NULL,
    window_end           timestamptz,
    threshold            numeric     NOT NULL,
    level                text        NOT NULL,
    spend_usd            numeric     NOT NULL,
    limit_usd            numeric     NOT NULL,
    triggering_event_id  text,
    raised_at            timestamptz NOT NULL,
    ingested_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ${alerts_table}_scope_idx     ON ${alerts_table} (scope, window_start);
CREATE INDEX ${alerts_table}_raised_at_idx ON ${alerts_table} (raised_at);
