-- The contract (2026-12-07): the tier a request was served at (the event's serviceTier, null when it
-- named none: standard) and the tier whose prices were applied (pricing.serviceTier: standard when
-- the catalog has no prices for the served tier). Where the two differ, the spend was priced at a
-- tier the catalog lacks, and reports show it like an unpriced model.
ALTER TABLE ${usage_table} ADD COLUMN service_tier text, ADD COLUMN priced_service_tier text;

-- The hourly roll-up keeps both, so whole-hour reports and the dashboard group and filter by tier.
ALTER TABLE ${usage_table}_hourly ADD COLUMN service_tier text NOT NULL DEFAULT 'standard',
    ADD COLUMN priced_service_tier text NOT NULL DEFAULT 'standard';
DROP INDEX ${usage_table}_hourly_key;
CREATE UNIQUE INDEX ${usage_table}_hourly_key ON ${usage_table}_hourly
    (hour, agent, user_id, team_id, model, provider, company, task_type, service_tier, priced_service_tier)
    NULLS NOT DISTINCT;

CREATE OR REPLACE FUNCTION ${usage_table}_hourly_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ${usage_table}_hourly AS h (hour, agent, user_id, team_id, model, provider, company, task_type,
           service_tier, priced_service_tier, events, errors, total_cost_usd, input_side_cost_usd, output_cost_usd,
           input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cache_savings_usd)
    SELECT date_trunc('hour', occurred_at, 'UTC'), agent, user_id, team_id,
           coalesce(model_key, model, 'api:' || api_service), provider, company, task_type,
           coalesce(service_tier, 'standard'), coalesce(priced_service_tier, 'standard'),
           count(*), count(*) FILTER (WHERE status = 'error'), sum(total_cost_usd),
           sum(input_cost_usd + cache_read_cost_usd + cache_write_cost_usd), sum(output_cost_usd), sum(input_tokens),
           sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
           coalesce(sum(cache_savings_usd), 0)
    FROM added
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 -- one lock order for concurrent sink tasks: no deadlock between them
    ON CONFLICT (hour, agent, user_id, team_id, model, provider, company, task_type, service_tier, priced_service_tier)
    DO UPDATE SET
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

-- Daily spend by tier, and the spend priced at a tier the catalog lacks, for analysts.
CREATE VIEW daily_cost_by_service_tier AS
SELECT date_trunc('day', hour, 'UTC') AS day, service_tier, priced_service_tier,
       service_tier <> priced_service_tier AS tier_unpriced,
       sum(events) AS events, sum(total_cost_usd) AS total_cost_usd
FROM ${usage_table}_hourly
GROUP BY 1, 2, 3;

GRANT SELECT ON daily_cost_by_service_tier TO agentmeter_analyst;
