-- Priced usage, one row per eventId. Names follow the wire contract (eventId -> event_id,
-- cost.totalUsd -> total_cost_usd). Money is numeric, never float.
--
-- Range-partitioned by month of occurred_at: the primary key of a partitioned table must contain
-- the partition key, so it is (event_id, occurred_at). A redelivered record carries the same
-- timestamp, lands in the same partition and conflicts there: one row per eventId.
CREATE TABLE ${usage_table} (
    event_id               text        NOT NULL,
    occurred_at            timestamptz NOT NULL,
    schema_version         integer     NOT NULL DEFAULT 1,
    kind                   text        NOT NULL,
    agent                  text        NOT NULL,
    user_id                text,
    session_id             text,
    team_id                text,
    handoff_chain          text[],
    provider               text,
    company                text,
    model                  text,
    model_key              text,
    region                 text,
    input_tokens           bigint      NOT NULL DEFAULT 0,
    output_tokens          bigint      NOT NULL DEFAULT 0,
    cache_read_tokens      bigint      NOT NULL DEFAULT 0,
    cache_write_tokens     bigint      NOT NULL DEFAULT 0,
    cache_write_1h_tokens  bigint      NOT NULL DEFAULT 0,
    reasoning_tokens       bigint      NOT NULL DEFAULT 0,
    tokens_estimated       boolean     NOT NULL DEFAULT false,
    input_cost_usd         numeric     NOT NULL,
    output_cost_usd        numeric     NOT NULL,
    cache_read_cost_usd    numeric     NOT NULL,
    cache_write_cost_usd   numeric     NOT NULL,
    total_cost_usd         numeric     NOT NULL,
    catalog_cost_usd       numeric,
    provider_cost_usd      numeric,
    cost_source            text        NOT NULL,
    price_effective_from   timestamptz,
    unit_prices            jsonb,
    long_context           boolean     NOT NULL DEFAULT false,
    task_type              text,
    task_complexity        text,
    task_description       text,
    method                 text,
    finish_reason          text,
    duration_ms            bigint,
    status                 text,
    error_message          text,
    prompt_chars           bigint,
    api_service            text,
    api_endpoint           text,
    api_status_code        integer,
    api_cost_usd           numeric,
    attributes             jsonb,
    priced_at              timestamptz NOT NULL,
    ingested_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Analysts filter by time first, then by who/what spent it.
CREATE INDEX ${usage_table}_occurred_at_idx ON ${usage_table} (occurred_at);
CREATE INDEX ${usage_table}_agent_idx       ON ${usage_table} (agent, occurred_at);
CREATE INDEX ${usage_table}_user_idx        ON ${usage_table} (user_id, occurred_at);
CREATE INDEX ${usage_table}_team_idx        ON ${usage_table} (team_id, occurred_at);
CREATE INDEX ${usage_table}_session_idx     ON ${usage_table} (session_id);
CREATE INDEX ${usage_table}_model_idx       ON ${usage_table} (model_key, occurred_at);

-- Creates the partition holding month_start's month (UTC) unless it exists; safe to call from
-- several tasks at once (advisory lock per partition name). Returns the partition name.
CREATE FUNCTION ${usage_table}_ensure_partition(month_start timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day timestamptz := date_trunc('month', month_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    next_day  timestamptz := (date_trunc('month', month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    part      text := '${usage_table}_' || to_char(first_day AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
BEGIN
    IF to_regclass(part) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(part));
        IF to_regclass(part) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF ${usage_table} FOR VALUES FROM (%L) TO (%L)',
                           part, first_day, next_day);
        END IF;
    END IF;
    RETURN part;
END
$$;
