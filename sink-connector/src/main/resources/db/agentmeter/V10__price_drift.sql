-- Price-catalog drift, per UTC day and model: rows whose provider reported the billed cost
-- (cost_source 'provider') carry our catalog's own figure beside it (catalog_cost_usd). More than
-- 1 % apart (the processor's agentmeter_processor_price_drift_total counts the same rule live)
-- means the catalog is out of date, or the provider bills something it does not know, and shows
-- here before the invoice does. Rows that are archived (agentmeter archive) leave this view.
CREATE VIEW price_drift_by_model AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date                       AS day,
       coalesce(model_key, model)                                    AS model_key,
       provider,
       count(*)                                                      AS provider_priced_events,
       count(*) FILTER (WHERE abs(provider_cost_usd - catalog_cost_usd) > abs(catalog_cost_usd) * 0.01
                          OR (catalog_cost_usd = 0 AND provider_cost_usd <> 0)) AS drifted_events,
       sum(provider_cost_usd)                                        AS provider_cost_usd,
       sum(catalog_cost_usd)                                         AS catalog_cost_usd,
       sum(provider_cost_usd) - sum(catalog_cost_usd)                AS difference_usd
FROM ${usage_table}
WHERE cost_source = 'provider' AND provider_cost_usd IS NOT NULL AND catalog_cost_usd IS NOT NULL
GROUP BY 1, 2, 3;

GRANT SELECT ON price_drift_by_model TO agentmeter_analyst;
