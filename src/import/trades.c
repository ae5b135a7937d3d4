/* The trade catalogue of provider-contact imports. */
#include <stdlib.h>
#include <string.h>

#include "common/fold.h"
#include "import_uid.h"
#include "trades.h"

const struct trade trades[] = {
	{"plombier", {"fuite d'eau", "dégât des eaux", "canalisation bouchée", NULL}},
	{"chauffagiste", {"chauffage en panne", "pas d'eau chaude", NULL}},
	{"électricien", {"panne électrique", "interphone en panne", NULL}},
	{"serrurier", {"porte bloquée", "serrure cassée", NULL}},
	{"vitrier", {"vitre cassée", NULL}},
	{"ascensoriste", {"panne d'ascenseur", NULL}},
};

const size_t trade_count = sizeof(trades) / sizeof(trades[0]);


const struct trade *
trade_find(const char *text)
{
	char *wanted = fold_text(text, strlen(text));
	const struct trade *found = NULL;

	if (wanted == NULL)
		return NULL;
	for (size_t i = 0; i < trade_count && found == NULL; i++) {
		char *name = fold_text(trades[i].name, strlen(trades[i].name));
		if (name != NULL && strcmp(name, wanted) == 0)
			found = &trades[i];
		free(name);
	}
	free(wanted);
	return found;
}


void
trade_activity_uid(const struct trade *trade, char out[37])
{
	const char *parts[2] = {"activity", trade->name};

	import_uid(out, parts, 2);
}


void
trade_purpose_uid(const char *purpose, char out[37])
{
	const char *parts[2] = {"incidentType", purpose};

	import_uid(out, parts, 2);
}
