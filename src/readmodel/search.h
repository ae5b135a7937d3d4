/*
 * Fulltext terms of the read API, turned into SQL LIKE patterns that
 * match a fold-substring: `every term is a fold-substring of ...`.
 */
#ifndef PERFIMMO_SEARCH_H
#define PERFIMMO_SEARCH_H

#include "common/error.h"

/*
 * Turns the NULL-terminated TERMS into patterns for `folded_column LIKE
 * pattern`: each term is trimmed of spaces, tabs, CR and LF, dropped when
 * nothing is left, folded (fold_text), has its `\`, `%` and `_` escaped
 * with `\`, and is wrapped in `%`.  Returns a NULL-terminated array, one
 * block the caller frees (empty when no term is left), or NULL with ERR.
 */
char **search_like_patterns(char *const *terms, struct error *err);

#endif
