-- Read-only views for analysts. Days are UTC calendar days (occurred_at is stored in UTC).

CREATE VIEW daily_cost_by_model AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
       coalesce(model_key, model)              AS model_key,
       company,
       count(*)                                AS events,
       sum(input_tokens)                       AS input_tokens,
       sum(output_tokens)                      AS output_tokens,
       sum(cache_read_tokens)                  AS cache_read_tokens,
       sum(cache_write_tokens)                 AS cache_write_tokens,
       sum(reasoning_tokens)                   AS reasoning_tokens,
       sum(total_cost_usd)                     AS total_cost_usd
FROM ${usage_table}
WHERE kind = 'llm'
GROUP BY 1, 2, 3;

CREATE VIEW daily_cost_by_agent AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
       agent,
       count(*)                                AS events,
       count(*) FILTER (WHERE status = 'error') AS errors,
       sum(input_tokens + output_tokens)       AS tokens,
       sum(total_cost_usd)                     AS total_cost_usd
FROM ${usage_table}
GROUP BY 1, 2;

CREATE VIEW daily_cost_by_user AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
       user_id,
       count(*)                                AS events,
       sum(input_tokens + output_tokens)       AS tokens,
       sum(total_cost_usd)                     AS total_cost_usd
FROM ${usage_table}
GROUP BY 1, 2;

CREATE VIEW daily_cost_by_team AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
       team_id,
       count(*)                                AS events,
       sum(input_tokens + output_tokens)       AS tokens,
       sum(total_cost_usd)                     AS total_cost_usd
FROM ${usage_table}
GROUP BY 1, 2;

CREATE VIEW cost_by_task_type AS
SELECT task_type,
       count(*)                                AS events,
       sum(total_cost_usd)                     AS total_cost_usd,
       sum(total_cost_usd) / count(*)          AS avg_cost_usd,
       min(occurred_at)                        AS first_at,
       max(occurred_at)                        AS last_at
FROM ${usage_table}
GROUP BY 1;

CREATE VIEW session_costs AS
SELECT session_id,
       min(user_id)                            AS user_id,
       min(team_id)                            AS team_id,
       array_agg(DISTINCT agent ORDER BY agent) AS agents,
       count(*)                                AS events,
       min(occurred_at)                        AS started_at,
       max(occurred_at)                        AS last_at,
       sum(total_cost_usd)                     AS total_cost_usd
FROM ${usage_table}
WHERE session_id IS NOT NULL
GROUP BY 1;

-- Models the catalog did not know: billed at the default price until a price is published.
CREATE VIEW unpriced_models AS
SELECT model,
       provider,
       count(*)                                AS events,
       sum(total_cost_usd)                     AS default_cost_usd,
       min(occurred_at)                        AS first_seen,
       max(occurred_at)                        AS last_seen
FROM ${usage_table}
WHERE cost_source = 'default'
GROUP BY 1, 2;
