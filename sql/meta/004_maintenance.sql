-- Tenants under maintenance: `perfimmo-admin maintenance on` adds a row and
-- `maintenance off` removes it.  While a tenant has a row, the API rejects
-- every write of that tenant with 503 ServiceUnavailable and a Retry-After
-- header of retry_after seconds.  Workers read it at each write, and each
-- command reads it again under the tenant's command lock (command_lock_take in
-- the tenant migration 011_maintenance.sql), so no worker serves a stale state.

CREATE TABLE perfimmo_meta.maintenance (
	tenant text PRIMARY KEY REFERENCES perfimmo_meta.tenants (name) ON DELETE CASCADE,
	retry_after integer NOT NULL CHECK (retry_after BETWEEN 1 AND 86400),
	started_at timestamptz NOT NULL DEFAULT now()
);

-- The metrics scrape lists it; tenant roles see their own row only, through
-- the view maintenance_state of their schema.
GRANT SELECT ON perfimmo_meta.maintenance TO perfimmo_app;
