-- Read model of companies and agencies, fed by project_company() from the
-- company stream.  Folded columns serve fulltext search and sort orders.

CREATE TABLE companies (
	uid uuid PRIMARY KEY,
	company_type text NOT NULL CHECK (company_type IN ('CallCenter', 'ClientAccountHolding', 'ClientAccount')),
	name text NOT NULL,
	name_folded text NOT NULL,
	is_active boolean NOT NULL DEFAULT true,
	holding_uid uuid,
	call_center_uid uuid,
	siret text,
	billing_type text NOT NULL,
	position bigint NOT NULL
);
-- A btree entry holds at most 2704 bytes, while a name may have 10 000
-- code points: sort indexes take a 256-code-point prefix (1 KiB at most),
-- so a long valid name is stored instead of failing with 54000.  Lists sort
-- with ORDER BY left(name_folded, 256), name_folded, uid to use them.
CREATE INDEX companies_sort ON companies (left(name_folded, 256), uid);
CREATE INDEX companies_holding ON companies (holding_uid);
CREATE INDEX companies_call_center ON companies (call_center_uid);
CREATE INDEX companies_name_trgm ON companies USING gin (name_folded perfimmo_ext.gin_trgm_ops);

CREATE TABLE agencies (
	uid uuid PRIMARY KEY,
	company_uid uuid NOT NULL REFERENCES companies (uid),
	label text NOT NULL,
	label_folded text NOT NULL,
	is_active boolean NOT NULL DEFAULT true,
	agency jsonb NOT NULL,		-- the Agency of the last AgencyCreated/AgencyUpdated
	position bigint NOT NULL
);
CREATE INDEX agencies_company_sort ON agencies (company_uid, left(label_folded, 256), uid);

CREATE FUNCTION project_company(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	company uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
BEGIN
	CASE kind
	WHEN 'CallCenterCreated', 'ClientAccountHoldingCreated', 'ClientAccountCreated' THEN
		INSERT INTO companies (uid, company_type, name, name_folded, holding_uid,
				call_center_uid, billing_type, position)
		VALUES (company,
			CASE kind WHEN 'CallCenterCreated' THEN 'CallCenter'
				WHEN 'ClientAccountHoldingCreated' THEN 'ClientAccountHolding'
				ELSE 'ClientAccount' END,
			event ->> 'name', perfimmo_ext.fold(event ->> 'name'),
			(event ->> 'holdingReference')::uuid, (event ->> 'callCenterReference')::uuid,
			CASE kind WHEN 'CallCenterCreated' THEN 'StandardAccount' ELSE 'SponsoredAccount' END,
			event_position);
	WHEN 'CompanyIdentified' THEN
		UPDATE companies SET siret = event ->> 'siretNumber', position = event_position WHERE uid = company;
	WHEN 'CompanyCanceled' THEN
		UPDATE companies SET is_active = false, position = event_position WHERE uid = company;
	WHEN 'CompanyReactivated' THEN
		UPDATE companies SET is_active = true, position = event_position WHERE uid = company;
	WHEN 'ClientAccountUpdated' THEN
		UPDATE companies SET name = event ->> 'name', name_folded = perfimmo_ext.fold(event ->> 'name'),
			holding_uid = (event ->> 'holdingReference')::uuid, position = event_position
		 WHERE uid = company;
	WHEN 'ClientAccountHoldingUpdated', 'CallCenterUpdated' THEN
		UPDATE companies SET name = event ->> 'name', name_folded = perfimmo_ext.fold(event ->> 'name'),
			position = event_position
		 WHERE uid = company;
	WHEN 'CompanyUpgradedToPremiumAccount', 'CompanyDowngradedToPremiumAccount' THEN
		UPDATE companies SET billing_type = 'PremiumAccount', position = event_position WHERE uid = company;
	WHEN 'PremiumAccountDowngraded' THEN
		UPDATE companies SET billing_type = 'SponsoredAccount', position = event_position WHERE uid = company;
	WHEN 'CompanyUpgradedToStandardAccount' THEN
		UPDATE companies SET billing_type = 'StandardAccount', position = event_position WHERE uid = company;
	WHEN 'AgencyCreated' THEN
		INSERT INTO agencies (uid, company_uid, label, label_folded, agency, position)
		VALUES ((event #>> '{agency,agencyUid}')::uuid, company, event #>> '{agency,name}',
			perfimmo_ext.fold(event #>> '{agency,name}'), event -> 'agency', event_position);
	WHEN 'AgencyUpdated' THEN
		UPDATE agencies SET label = event #>> '{agency,name}',
			label_folded = perfimmo_ext.fold(event #>> '{agency,name}'),
			agency = event -> 'agency', position = event_position
		 WHERE uid = (event #>> '{agency,agencyUid}')::uuid;
	WHEN 'AgencyDeleted' THEN
		UPDATE agencies SET is_active = false, position = event_position
		 WHERE uid = (event ->> 'agencyUid')::uuid;
	ELSE
		RAISE EXCEPTION 'project_company: unknown event type %', kind;
	END CASE;
END
$$;

DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE ON companies, agencies TO %I', tenant_role);
END
$$;
