-- The meta schema: which tenants exist and which host each one serves.
-- perfimmo_meta.migrations is created by perfimmo-admin before any file runs.

CREATE TABLE perfimmo_meta.tenants (
	name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,30}$'),
	host text NOT NULL UNIQUE CHECK (host = lower(host)),
	timezone text NOT NULL DEFAULT 'Europe/Paris',
	created_at timestamptz NOT NULL DEFAULT now()
);

-- Workers read the tenant list to refuse unknown hosts; they write nothing here.
GRANT USAGE ON SCHEMA perfimmo_meta TO perfimmo_app;
GRANT SELECT ON perfimmo_meta.tenants TO perfimmo_app;

-- Extensions live in perfimmo_ext, which every tenant's search_path includes.
GRANT USAGE ON SCHEMA perfimmo_ext TO perfimmo_app;
