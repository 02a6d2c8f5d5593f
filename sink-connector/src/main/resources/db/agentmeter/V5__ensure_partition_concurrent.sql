-- V1's function re-checked to_regclass() after taking the advisory lock. An advisory lock does not
-- make the backend read catalog invalidations, so a task that waited for another task's create saw
-- the committed partition as still missing and failed with 42P07 "relation ... already exists"
-- (seen after a Postgres restart, two sink tasks reaching the same month). The re-check is now
-- CREATE TABLE IF NOT EXISTS: it locks the schema first, which does refresh the catalog cache.
-- The lock stays so that concurrent creators queue instead of racing on pg_class/pg_type.
CREATE OR REPLACE FUNCTION ${usage_table}_ensure_partition(month_start timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day timestamptz := date_trunc('month', month_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    next_day  timestamptz := (date_trunc('month', month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    part      text := '${usage_table}_' || to_char(first_day AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
BEGIN
    IF to_regclass(part) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(part));
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF ${usage_table} FOR VALUES FROM (%L) TO (%L)',
                       part, first_day, next_day);
    END IF;
    RETURN part;
END
$$;
