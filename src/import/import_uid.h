/*
 * Deterministic uids for imported data: a name-based (version 5, SHA-1)
 * SafeUUID of the parts given, so the same input always gives the same
 * processUid or aggregate uid and a second run stores nothing twice.
 */
#ifndef PERFIMMO_IMPORT_UID_H
#define PERFIMMO_IMPORT_UID_H

#include <stddef.h>

/*
 * Writes into OUT the uid of the COUNT strings of PARTS, joined with NUL
 * separators under the perfimmo import namespace (so "ab","c" and "a","bc"
 * differ).  OUT gets a lowercase SafeUUID.
 */
void import_uid(char out[37], const char *const *parts, size_t count);

#endif
