-- Every change to credentials, API keys or session secrets raises the
-- tenant's generation in its own transaction, like a command does.  The
-- workers cache authenticated actors and session secrets under the
-- generation they were read at (src/cache/view_cache.h), so a revoked key,
-- a disabled user or a logout is never served from an older entry.

-- Raises the tenant's generation, at most once per transaction, and
-- returns its new value.  Taking the row lock also takes the tenant's
-- command lock.  A transaction that changes credentials inside a command
-- (project_user) so commits the one generation the command lock statement
-- returned.  The setting perfimmo.generation_raised lasts until the
-- transaction ends, and a rollback to a savepoint taken before the raise
-- clears it along with the raise itself.  The function keeps the tenant's
-- search_path of this migration, so that a trigger fired by a statement
-- naming the table with its schema, whatever the session's search_path,
-- raises this tenant's generation.
CREATE FUNCTION generation_raise()
	RETURNS bigint
	LANGUAGE plpgsql
	SET search_path FROM CURRENT
AS $$
DECLARE
	raised bigint;
BEGIN
	IF current_setting('perfimmo.generation_raised', true) = 'on' THEN
		SELECT c.generation INTO raised FROM command_lock c;
		RETURN raised;
	END IF;
	UPDATE command_lock SET generation = command_lock.generation + 1
		RETURNING command_lock.generation INTO raised;
	PERFORM set_config('perfimmo.generation_raised', 'on', true);
	RETURN raised;
END
$$;

-- The command lock statement of 011_maintenance.sql, raising the
-- generation through generation_raise() so that later credential changes
-- of the same command do not raise it again.
CREATE OR REPLACE FUNCTION command_lock_take(OUT generation bigint, OUT maintenance_retry_after integer)
	LANGUAGE plpgsql
AS $$
BEGIN
	command_lock_take.generation := generation_raise();
	SELECT m.retry_after INTO command_lock_take.maintenance_retry_after
	  FROM maintenance_state m;
END
$$;

CREATE FUNCTION generation_raise_on_change()
	RETURNS trigger
	LANGUAGE plpgsql
	SET search_path FROM CURRENT
AS $$
BEGIN
	PERFORM generation_raise();
	RETURN NULL;
END
$$;

-- BEFORE, so that the command lock is taken before any row of the table,
-- in the order commands take them: a logout and a command on the same
-- user then queue instead of deadlocking.
CREATE TRIGGER credentials_raise_generation
	BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON credentials
	FOR EACH STATEMENT EXECUTE FUNCTION generation_raise_on_change();
CREATE TRIGGER api_keys_raise_generation
	BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
	FOR EACH STATEMENT EXECUTE FUNCTION generation_raise_on_change();
CREATE TRIGGER session_secrets_raise_generation
	BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON session_secrets
	FOR EACH STATEMENT EXECUTE FUNCTION generation_raise_on_change();

DO $$
BEGIN
	EXECUTE format('GRANT EXECUTE ON FUNCTION generation_raise(), generation_raise_on_change() TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;
