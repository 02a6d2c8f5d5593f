-- FORECAST alerts (contract 2026-12-01) carry where spend is heading: the projected spend at the
-- window's end and when the limit would be reached. Null for every other level.
ALTER TABLE ${alerts_table} ADD COLUMN projected_usd numeric;
ALTER TABLE ${alerts_table} ADD COLUMN projected_crossing_at timestamptz;
