/* Ordered sets of SafeUUIDs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "uid_list.h"


void
uid_list_init(struct uid_list *list)
{
	list->items = NULL;
	list->count = 0;
}


void
uid_list_free(struct uid_list *list)
{
	free(list->items);
	uid_list_init(list);
}


bool
uid_list_has(const struct uid_list *list, const char *uid)
{
	for (size_t i = 0; list != NULL && uid != NULL && i < list->count; i++)
		if (strcmp(list->items[i], uid) == 0)
			return true;
	return false;
}


void
uid_list_add(struct uid_list *list, const char *uid)
{
	char (*grown)[37];

	if (uid == NULL || uid_list_has(list, uid))
		return;
	grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	list->items = grown;
	snprintf(grown[list->count], 37, "%s", uid);
	list->count++;
}


void
uid_list_remove(struct uid_list *list, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < list->count; i++) {
		if (strcmp(list->items[i], uid) != 0)
			continue;
		memmove(&list->items[i], &list->items[i + 1],
		    (list->count - i - 1) * sizeof(list->items[0]));
		list->count--;
		return;
	}
}


void
uid_list_add_json(struct uid_list *list, struct json_object *array)
{
	size_t count;

	if (array == NULL || !json_object_is_type(array, json_type_array))
		return;
	count = json_object_array_length(array);
	for (size_t i = 0; i < count; i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		if (json_object_is_type(item, json_type_string))
			uid_list_add(list, json_object_get_string(item));
	}
}
