-- Spend per hour and attribution, kept by the database in the transaction that inserts the rows:
-- a statement trigger sums exactly the rows an INSERT added (a redelivered row, skipped by
-- ON CONFLICT DO NOTHING, is not in its transition table), so the roll-up is exactly the table's
-- sums, whatever the sink retries. The dashboard reads it for windows whose bounds are whole
-- hours (every zone a whole number of hours from UTC); it falls back to the rows otherwise.
CREATE TABLE ${usage_table}_hourly (
    hour               timestamptz NOT NULL,
    agent              text        NOT NULL,
    user_id            text,
    team_id            text,
    model              text,        -- coalesce(model_key, model, 'api:' || api_service), as reports name models
    provider           text,
    company            text,
    task_type          text,
    events             bigint      NOT NULL,
    errors             bigint      NOT NULL,
    total_cost_usd     numeric     NOT NULL,
    input_side_cost_usd numeric    NOT NULL, -- input + cache reads + cache writes: what an input price change moves
    output_cost_usd    numeric     NOT NULL,
    input_tokens       bigint      NOT NULL,
    output_tokens      bigint      NOT NULL,
    cache_read_tokens  bigint      NOT NULL,
    cache_write_tokens bigint      NOT NULL,
    reasoning_tokens   bigint      NOT NULL,
    cache_savings_usd  numeric     NOT NULL
);
CREATE UNIQUE INDEX ${usage_table}_hourly_key ON ${usage_table}_hourly
    (hour, agent, user_id, team_id, model, provider, company, task_type) NULLS NOT DISTINCT;

CREATE FUNCTION ${usage_table}_hourly_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ${usage_table}_hourly AS h
    SELECT date_trunc('hour', occurred_at, 'UTC'), agent, user_id, team_id,
           coalesce(model_key, model, 'api:' || api_service), provider, company, task_type,
           count(*), count(*) FILTER (WHERE status = 'error'), sum(total_cost_usd),
           sum(input_cost_usd + cache_read_cost_usd + cache_write_cost_usd), sum(output_cost_usd), sum(input_tokens),
           sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
           coalesce(sum(cache_savings_usd), 0)
    FROM added
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8 -- one lock order for concurrent sink tasks: no deadlock between them
    ON CONFLICT (hour, agent, user_id, team_id, model, provider, company, task_type) DO UPDATE SET
        events = h.events + EXCLUDED.events,
        errors = h.errors + EXCLUDED.errors,
        total_cost_usd = h.total_cost_usd + EXCLUDED.total_cost_usd,
        input_side_cost_usd = h.input_side_cost_usd + EXCLUDED.input_side_cost_usd,
        output_cost_usd = h.output_cost_usd + EXCLUDED.output_cost_usd,
        input_tokens = h.input_tokens + EXCLUDED.input_tokens,
        output_tokens = h.output_tokens + EXCLUDED.output_tokens,
        cache_read_tokens = h.cache_read_tokens + EXCLUDED.cache_read_tokens,
        cache_write_tokens = h.cache_write_tokens + EXCLUDED.cache_write_tokens,
        reasoning_tokens = h.reasoning_tokens + EXCLUDED.reasoning_tokens,
        cache_savings_usd = h.cache_savings_usd + EXCLUDED.cache_savings_usd;
    RETURN NULL;
END
$$;

CREATE TRIGGER ${usage_table}_hourly_add AFTER INSERT ON ${usage_table}
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${usage_table}_hourly_add();

-- What was stored before this migration.
INSERT INTO ${usage_table}_hourly
SELECT date_trunc('hour', occurred_at, 'UTC'), agent, user_id, team_id, coalesce(model_key, model, 'api:' || api_service),
       provider, company, task_type, count(*), count(*) FILTER (WHERE status = 'error'), sum(total_cost_usd),
       sum(input_cost_usd + cache_read_cost_usd + cache_write_cost_usd), sum(output_cost_usd), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
       coalesce(sum(cache_savings_usd), 0)
FROM ${usage_table}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

GRANT SELECT ON ${usage_table}_hourly TO agentmeter_analyst;
