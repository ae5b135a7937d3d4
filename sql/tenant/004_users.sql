-- Read model of users, fed by project_user() from the user stream.
-- project_user() also keeps each user's row of credentials (login, type,
-- company, disabled flag) current, inside the transaction that stores the
-- user's events.

CREATE TABLE users (
	uid uuid PRIMARY KEY,
	user_type text NOT NULL CHECK (user_type IN ('callCenterUser',
		'clientAccountManager', 'executive', 'patrimonyManager')),
	company_uid uuid NOT NULL,
	login text NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	first_name_folded text NOT NULL,
	last_name_folded text NOT NULL,
	job text,
	phone text,
	is_active boolean NOT NULL DEFAULT true,
	position bigint NOT NULL
);
-- Sort keys are indexed by a prefix: a btree entry is bounded, names are not.
CREATE INDEX users_company_sort ON users (company_uid, left(last_name_folded, 256), left(first_name_folded, 256));

-- Managed agencies (executives) and patrimonies (patrimony managers), in
-- the order they were given: position of the event, then rank in it.
CREATE TABLE user_agencies (
	user_uid uuid NOT NULL REFERENCES users (uid),
	agency_uid uuid NOT NULL,
	position bigint NOT NULL,
	rank integer NOT NULL,
	PRIMARY KEY (user_uid, agency_uid)
);
CREATE INDEX user_agencies_agency ON user_agencies (agency_uid);

CREATE TABLE user_patrimonies (
	user_uid uuid NOT NULL REFERENCES users (uid),
	patrimony_uid uuid NOT NULL,
	position bigint NOT NULL,
	rank integer NOT NULL,
	PRIMARY KEY (user_uid, patrimony_uid)
);
CREATE INDEX user_patrimonies_patrimony ON user_patrimonies (patrimony_uid);


-- Adds the uids of the JSON array ITEMS to a user's agencies or patrimonies.
CREATE FUNCTION project_user_links(link_table text, user_id uuid, items jsonb,
		event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	EXECUTE format('INSERT INTO %I SELECT $1, item.uid::uuid, $2, item.rank'
		' FROM jsonb_array_elements_text($3) WITH ORDINALITY AS item (uid, rank)'
		' ON CONFLICT DO NOTHING', link_table)
		USING user_id, event_position, items;
END
$$;


CREATE FUNCTION project_user(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	user_id uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
	new_type text;
BEGIN
	CASE kind
	WHEN 'CallCenterUserReferenced', 'ClientAccountManagerReferenced',
			'ExecutiveReferenced', 'PatrimonyManagerReferenced' THEN
		new_type := CASE kind
			WHEN 'CallCenterUserReferenced' THEN 'callCenterUser'
			WHEN 'ClientAccountManagerReferenced' THEN 'clientAccountManager'
			WHEN 'ExecutiveReferenced' THEN 'executive'
			ELSE 'patrimonyManager' END;
		INSERT INTO users (uid, user_type, company_uid, login, first_name, last_name,
				first_name_folded, last_name_folded, job, phone, position)
		VALUES (user_id, new_type, (event ->> 'companyUid')::uuid, event ->> 'login',
			event ->> 'firstName', event ->> 'lastName',
			perfimmo_ext.fold(event ->> 'firstName'), perfimmo_ext.fold(event ->> 'lastName'),
			event ->> 'job', event ->> 'phone', event_position);
		-- A replayed journal finds the credentials row already there.
		INSERT INTO credentials (user_uid, login, user_type, company_uid, disabled)
		VALUES (user_id, event ->> 'login', new_type, (event ->> 'companyUid')::uuid, false)
		ON CONFLICT (user_uid) DO UPDATE SET login = excluded.login,
			user_type = excluded.user_type, company_uid = excluded.company_uid,
			disabled = false;
		IF event ? 'managedAgencies' THEN
			PERFORM project_user_links('user_agencies', user_id, event -> 'managedAgencies', event_position);
		END IF;
		IF event ? 'managedPatrimonies' THEN
			PERFORM project_user_links('user_patrimonies', user_id, event -> 'managedPatrimonies', event_position);
		END IF;
	WHEN 'UserAssociatedWithAgency' THEN
		PERFORM project_user_links('user_agencies', user_id,
			jsonb_build_array(event -> 'agencyUid'), event_position);
	WHEN 'UserDissociatedFromAgency' THEN
		DELETE FROM user_agencies WHERE user_uid = user_id
		   AND agency_uid = (event ->> 'agencyUid')::uuid;
	WHEN 'UserAssociatedWithPatrimony' THEN
		PERFORM project_user_links('user_patrimonies', user_id,
			jsonb_build_array(event -> 'patrimonyUid'), event_position);
	WHEN 'UserDissociatedFromPatrimony' THEN
		DELETE FROM user_patrimonies WHERE user_uid = user_id
		   AND patrimony_uid = (event ->> 'patrimonyUid')::uuid;
	WHEN 'UserDisabled', 'UserEnabled' THEN
		UPDATE users SET is_active = (kind = 'UserEnabled'), position = event_position
		 WHERE uid = user_id;
		UPDATE credentials SET disabled = (kind = 'UserDisabled') WHERE user_uid = user_id;
	WHEN 'ExecutiveDowngradedToPatrimonyManager' THEN
		UPDATE users SET user_type = 'patrimonyManager', position = event_position WHERE uid = user_id;
		UPDATE credentials SET user_type = 'patrimonyManager' WHERE user_uid = user_id;
		DELETE FROM user_agencies WHERE user_uid = user_id;
		PERFORM project_user_links('user_patrimonies', user_id, event -> 'managedPatrimonies', event_position);
	WHEN 'UserUpdated' THEN
		UPDATE users SET first_name = event ->> 'firstName', last_name = event ->> 'lastName',
			first_name_folded = perfimmo_ext.fold(event ->> 'firstName'),
			last_name_folded = perfimmo_ext.fold(event ->> 'lastName'),
			job = event ->> 'job', phone = event ->> 'phone', position = event_position
		 WHERE uid = user_id;
	WHEN 'LoginUpdated' THEN
		UPDATE users SET login = event ->> 'login', position = event_position WHERE uid = user_id;
		UPDATE credentials SET login = event ->> 'login' WHERE user_uid = user_id;
	ELSE
		RAISE EXCEPTION 'project_user: unknown event type %', kind;
	END CASE;
END
$$;


-- The access scopes in SQL (aggregate_visible() and the scope_* functions)
-- are in 008_scopes.sql, after the read tables they use.

DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_agencies, user_patrimonies TO %I',
		tenant_role);
END
$$;
