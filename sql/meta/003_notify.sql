-- The role of perfimmo-notify, the webhook sender.  It logs in by itself
-- and is the only role that reads webhook secrets.  Each tenant migration
-- (007_subscriptions.sql) also makes it a member of the tenant's role, so
-- that it reads the tenant's journal and visibility rules as the workers do.

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'perfimmo_notify') THEN
		CREATE ROLE perfimmo_notify LOGIN;
	END IF;
END
$$;

-- It lists the tenants to serve; it writes nothing in the meta schema.
GRANT USAGE ON SCHEMA perfimmo_meta TO perfimmo_notify;
GRANT SELECT ON perfimmo_meta.tenants TO perfimmo_notify;
GRANT USAGE ON SCHEMA perfimmo_ext TO perfimmo_notify;
