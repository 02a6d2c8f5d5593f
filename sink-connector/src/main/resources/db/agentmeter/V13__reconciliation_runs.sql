-- What each recorded reconcile found (agentmeter reconcile --record, the scheduled reconcile of
-- `up --reconcile-every` and the k8s CronJob): tracked spend against one bill source over whole UTC
-- days. The dashboard exports the latest run per source as metrics
-- (agentmeter_reconcile_capture_rate_percent and friends), and an alert fires when the capture rate
-- leaves its band or no run came for two days. Money is exact; capture_rate_percent is null when
-- the bill was zero.
CREATE TABLE reconciliation_runs (
    run_id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source               text        NOT NULL,
    from_day             date        NOT NULL,
    to_day               date        NOT NULL,
    billed_usd           numeric     NOT NULL,
    tracked_usd          numeric     NOT NULL,
    capture_rate_percent numeric,
    tolerance_percent    numeric     NOT NULL,
    discrepancies        integer     NOT NULL,
    ran_at               timestamptz NOT NULL DEFAULT now(),
    CHECK (from_day <= to_day)
);
CREATE INDEX reconciliation_runs_latest ON reconciliation_runs (source, ran_at DESC);

GRANT SELECT ON reconciliation_runs TO agentmeter_analyst;
