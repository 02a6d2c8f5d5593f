-- agentmeter_analyst: SELECT only. A login user for an analyst is a member of it:
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE agentmeter_analyst;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'agentmeter_analyst') THEN
        CREATE ROLE agentmeter_analyst NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO agentmeter_analyst', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO agentmeter_analyst', current_schema());
    -- Partitions and views created later are readable too.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO agentmeter_analyst', current_schema());
END
$$;

REVOKE EXECUTE ON FUNCTION ${usage_table}_ensure_partition(timestamptz) FROM PUBLIC;
