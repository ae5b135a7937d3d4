/*
 * Text folding for search and label matching.  The same function exists in
 * SQL as perfimmo_ext.fold() (sql/meta/002_fold.sql), and both must give the
 * same result for every input: tests/data/fold_cases.tsv is checked against
 * both.
 */
#ifndef PERFIMMO_FOLD_H
#define PERFIMMO_FOLD_H

#include <stddef.h>

/*
 * Folds the LEN bytes of S, in this order:
 *   1. Unicode NFC normalisation;
 *   2. every maximal run of Unicode White_Space characters becomes one
 *      space (U+0009-000D, U+0020, U+0085, U+00A0, U+1680, U+2000-200A,
 *      U+2028, U+2029, U+202F, U+205F, U+3000);
 *   3. each `-`, `'` and `’` (U+2019) becomes one space, so "a - b" gives
 *      three spaces between a and b;
 *   4. A-Z become a-z, and only ASCII letters change case;
 *   5. À-Å à-å → a, Ç ç → c, È-Ë è-ë → e, Ì-Ï ì-ï → i, Ñ ñ → n,
 *      Ò-Ö ò-ö → o, Ù-Ü ù-ü → u, Ý ý ÿ Ÿ → y, Œ œ → oe, Æ æ → ae.
 * Every other character is kept, and nothing is trimmed.
 *
 * NOTE: NFC comes from libunistring here and from PostgreSQL in SQL, so the
 * two can differ on characters newer than the older of their Unicode tables.
 *
 * Returns a new NUL-terminated string that the caller frees, or NULL when
 * S is not valid UTF-8, contains a NUL byte (which PostgreSQL text cannot
 * hold either) or memory runs out.
 */
char *fold_text(const char *s, size_t len);

#endif
