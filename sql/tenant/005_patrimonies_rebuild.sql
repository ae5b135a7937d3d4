-- Tables of the patrimony, lot and provider-contact aggregates for
-- `perfimmo-admin rebuild` (see table_registry in 003_rebuild.sql), in
-- creation order, so each is registered after the tables it references.
INSERT INTO table_registry (table_name, kind) VALUES
	('patrimonies', 'read_model'),
	('patrimony_agencies', 'read_model'),
	('buildings', 'read_model'),
	('patrimony_addresses', 'read_model'),
	('lots', 'read_model'),
	('lot_addresses', 'read_model'),
	('provider_contacts', 'read_model'),
	('provider_contact_companies', 'read_model'),
	('provider_contact_call_centers', 'read_model'),
	('provider_contact_agencies', 'read_model'),
	('provider_contact_patrimonies', 'read_model'),
	('provider_contact_activities', 'read_model');
