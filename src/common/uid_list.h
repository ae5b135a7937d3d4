/*
 * An ordered set of SafeUUIDs (lowercase text), as aggregates keep their
 * links: agencies of a patrimony, companies of a contact...  Insertion
 * order is kept because views list links in the order they were made.
 */
#ifndef PERFIMMO_UID_LIST_H
#define PERFIMMO_UID_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct uid_list {
	char (*items)[37];
	size_t count;
};

/* Empties LIST without freeing (for a zeroed or new list). */
void uid_list_init(struct uid_list *list);

/* Frees the items of LIST and empties it. */
void uid_list_free(struct uid_list *list);

/* Appends UID unless LIST already has it; aborts when memory runs out. */
void uid_list_add(struct uid_list *list, const char *uid);

/* Removes UID from LIST, keeping the order of the others. */
void uid_list_remove(struct uid_list *list, const char *uid);

/* True when LIST (NULL for none) has UID. */
bool uid_list_has(const struct uid_list *list, const char *uid);

/* Adds every string of the JSON array ARRAY (non-strings are skipped). */
void uid_list_add_json(struct uid_list *list, struct json_object *array);

#endif
