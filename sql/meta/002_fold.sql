-- perfimmo_ext.fold(text): text folding for search and label matching.
-- It must give exactly the result of fold_text() in src/common/fold.c, and
-- tests/integration/test_fold_sql.py checks both against the same cases.
-- Steps, in this order: NFC normalisation.  Each run of Unicode White_Space
-- characters becomes one space.  Each hyphen-minus, apostrophe (U+0027) and
-- right single quotation mark (U+2019) becomes one space.  A-Z become a-z,
-- through translate() because lower() also lowercases non-ASCII letters.  The
-- listed Latin letters become a, c, e, i, n, o, u or y, and the ligatures
-- Œ, œ, Æ and æ become oe or ae.

CREATE SCHEMA IF NOT EXISTS perfimmo_ext;

CREATE OR REPLACE FUNCTION perfimmo_ext.fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fold$
SELECT replace(replace(replace(replace(
	translate(
		regexp_replace(normalize($1, NFC),
		    '[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+',
		    ' ', 'g'),
		'ABCDEFGHIJKLMNOPQRSTUVWXYZ-''’ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿŸ',
		'abcdefghijklmnopqrstuvwxyz   aaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooouuuuuuuuyyyy'),
	'Œ', 'oe'), 'œ', 'oe'), 'Æ', 'ae'), 'æ', 'ae')
$fold$;
