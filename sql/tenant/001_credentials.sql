-- Credentials of the tenant's users: never part of the event journal.
-- Runs with search_path set to the tenant's schema; the setting
-- perfimmo.tenant_role names the tenant's database role.

CREATE TABLE credentials (
	user_uid uuid PRIMARY KEY,
	login text NOT NULL CHECK (login = lower(login)),
	password_hash text,
	user_type text NOT NULL CHECK (user_type IN ('superUser', 'callCenterUser',
		'clientAccountManager', 'executive', 'patrimonyManager')),
	company_uid uuid,
	disabled boolean NOT NULL DEFAULT false,
	session_generation integer NOT NULL DEFAULT 1,
	CHECK ((user_type = 'superUser') = (company_uid IS NULL))
);
CREATE UNIQUE INDEX credentials_login ON credentials (login);

-- API keys are kept as the SHA-256 of the key; the key itself is shown once.
CREATE TABLE api_keys (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
	user_uid uuid NOT NULL REFERENCES credentials (user_uid),
	label text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now()
);

-- Session cookies are signed with the newest secret; the previous one
-- still verifies during a rotation.  perfimmo-admin generates them (OpenSSL RAND_bytes).
CREATE TABLE session_secrets (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	secret bytea NOT NULL CHECK (length(secret) >= 32),
	created_at timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
	EXECUTE format('GRANT SELECT, UPDATE ON credentials TO %I', current_setting('perfimmo.tenant_role'));
	EXECUTE format('GRANT INSERT (user_uid, login, user_type, company_uid, disabled) ON credentials TO %I',
		current_setting('perfimmo.tenant_role'));
	EXECUTE format('GRANT SELECT ON api_keys, session_secrets TO %I', current_setting('perfimmo.tenant_role'));
END
$$;
