-- What cache reads saved against the input price, per row: cache-read tokens × (input price − cache-read
-- price) per million, from the prices the row was billed at. Stored, so that reports and the dashboard sum
-- a column instead of parsing unit_prices (jsonb) on every row they read: 3.2 s → see dashboard/PERFORMANCE.md.
ALTER TABLE ${usage_table} ADD COLUMN cache_savings_usd numeric GENERATED ALWAYS AS (
    CASE WHEN cache_read_tokens > 0
         THEN coalesce(cache_read_tokens * ((unit_prices ->> 'inputPerMTok')::numeric
                                            - (unit_prices ->> 'cacheReadPerMTok')::numeric) / 1000000, 0)
         ELSE 0 END) STORED;
