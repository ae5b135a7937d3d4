-- Companies are searched by fold-substring of their SIRET as well as of
-- their name (GET /api/v1/clientcompanies?fulltext=): one trigram index per
-- column lets PostgreSQL serve `name_folded LIKE p OR siret LIKE p`.
CREATE INDEX companies_siret_trgm ON companies USING gin (siret perfimmo_ext.gin_trgm_ops);
