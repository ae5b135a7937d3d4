/* Mapping the rows of the onboarding sheets to write-API commands. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fold.h"
#include "common/strbuf.h"
#include "common/types.h"
#include "csv_map.h"
#include "import_uid.h"
#include "trades.h"

#define MAX_ITEMS 64			/* values in one multi-value cell */
#define MAX_ITEM_BYTES 255		/* bytes of one value of a multi-value cell */

/* Header names that match each column, folded (accents and case ignored). */
static const struct {
	enum csv_column column;
	const char *canonical;		/* the name README.md documents */
	const char *aliases[5];
} column_names[] = {
	{COL_REF, "ref", {"ref", "reference", NULL}},
	{COL_AGENCIES, "agencies", {"agencies", "agences", "agence", NULL}},
	{COL_LABEL, "label", {"label", "libelle", NULL}},
	{COL_ADDRESS, "address", {"address", "adresse", NULL}},
	{COL_SIRET, "siret", {"siret", NULL}},
	{COL_NAME, "name", {"name", "nom", NULL}},
	{COL_PHONES, "phones", {"phones", "telephones", "telephone", NULL}},
	{COL_MAILS, "mails", {"mails", "emails", "courriels", "mail", NULL}},
	{COL_FAX, "fax", {"fax", NULL}},
	{COL_ACTIVITIES, "activities", {"activities", "activites", "metiers", NULL}},
	{COL_PATRIMONIES, "patrimoines", {"patrimoines", "patrimonies", NULL}},
};

#define COLUMN_COUNT (sizeof(column_names) / sizeof(column_names[0]))


static const char *
column_name(enum csv_column column)
{
	for (size_t i = 0; i < COLUMN_COUNT; i++)
		if (column_names[i].column == column)
			return column_names[i].canonical;
	return "?";
}


static int
column_of(const char *header)
{
	char *folded = fold_text(header, strlen(header));
	int found = -1;

	for (size_t i = 0; folded != NULL && i < COLUMN_COUNT && found < 0; i++)
		for (size_t j = 0; column_names[i].aliases[j] != NULL; j++)
			if (strcmp(folded, column_names[i].aliases[j]) == 0)
				found = (int)column_names[i].column;
	free(folded);
	return found;
}


static bool
is_contact_column(enum csv_column column)
{
	return column >= COL_SIRET;
}


bool
csv_map_header(const struct csv_row *header, struct csv_columns *columns,
    struct error *err)
{
	bool patrimony = false, contact = false;
	size_t named = header->count;

	/* Spreadsheets export empty columns after the last one as trailing separators. */
	while (named > 0 && header->cells[named - 1][0] == '\0')
		named--;
	for (int i = 0; i < COL__MAX; i++)
		columns->index[i] = -1;
	for (size_t i = 0; i < named; i++) {
		int column;

		if (header->cells[i][0] == '\0')
			return error_set(err, ERR_BAD_REQUEST,
			    "colonne %zu sans nom dans l'en-tête : nommez-la ou supprimez-la",
			    "column %zu has no name in the header: name it or delete it", i + 1);
		column = column_of(header->cells[i]);
		if (column < 0)
			return error_set(err, ERR_BAD_REQUEST,
			    "colonne « %.60s » inconnue (colonnes attendues : ref, agencies, label, address ; "
			    "ou siret, name, phones, mails, fax, activities, patrimoines)",
			    "unknown column \"%.60s\" (expected columns: ref, agencies, label, address; "
			    "or siret, name, phones, mails, fax, activities, patrimoines)", header->cells[i]);
		if (columns->index[column] >= 0)
			return error_set(err, ERR_BAD_REQUEST, "colonne « %s » en double",
			    "column \"%s\" appears twice", column_name((enum csv_column)column));
		columns->index[column] = (int)i;
		if (is_contact_column((enum csv_column)column))
			contact = true;
		else
			patrimony = true;
	}

	if (patrimony && contact)
		return error_set(err, ERR_BAD_REQUEST,
		    "en-tête mêlant les colonnes des patrimoines et des contacts prestataires",
		    "header mixes the columns of patrimonies and of provider contacts");
	columns->layout = contact ? CSV_PROVIDER_CONTACTS : CSV_PATRIMONIES;
	if (columns->layout == CSV_PATRIMONIES &&
	    (columns->index[COL_REF] < 0 || columns->index[COL_AGENCIES] < 0))
		return error_set(err, ERR_BAD_REQUEST,
		    "les colonnes « ref » et « agencies » sont obligatoires",
		    "the columns \"ref\" and \"agencies\" are required");
	if (columns->layout == CSV_PROVIDER_CONTACTS && columns->index[COL_NAME] < 0)
		return error_set(err, ERR_BAD_REQUEST, "la colonne « name » est obligatoire",
		    "the column \"name\" is required");
	return true;
}


/* The cell of COLUMN in ROW, "" when the sheet has no such column or the row is short. */
static const char *
cell(const struct csv_columns *columns, const struct csv_row *row, enum csv_column column)
{
	int index = columns->index[column];

	return index >= 0 && (size_t)index < row->count ? row->cells[index] : "";
}


void
import_line_add(struct import_line *line, const char *method, const char *path,
    struct json_object *body, const char *column)
{
	struct import_command *command;

	if (line->count == line->room) {
		line->room = line->room == 0 ? 4 : line->room * 2;
		line->commands = realloc(line->commands, line->room * sizeof(*line->commands));
		if (line->commands == NULL)
			abort();
	}
	command = &line->commands[line->count++];
	snprintf(command->method, sizeof(command->method), "%s", method);
	snprintf(command->path, sizeof(command->path), "%s", path);
	command->body = body;
	command->column = column;
}


void
import_line_clear(struct import_line *line)
{
	for (size_t i = 0; i < line->count; i++)
		json_object_put(line->commands[i].body);
	line->count = 0;
	line->rejected = false;
	line->column = NULL;
	error_clear(&line->err);
}


/* Rejects LINE for COLUMN; always returns true (the row was mapped: to a rejection). */
static bool
reject(struct import_line *line, enum csv_column column)
{
	for (size_t i = 0; i < line->count; i++)
		json_object_put(line->commands[i].body);
	line->count = 0;
	line->rejected = true;
	line->column = column_name(column);
	return true;
}


/*
 * Splits a multi-value cell on commas and line breaks into trimmed, non-empty
 * ITEMS and their COUNT.  Returns false with ERR when the cell has more than
 * MAX_ITEMS values or a value longer than MAX_ITEM_BYTES, so that no value
 * is ever dropped without the row being rejected.
 */
static bool
split_items(const char *text, char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], size_t *count_out,
    struct error *err)
{
	size_t count = 0;

	*count_out = 0;
	while (*text != '\0') {
		size_t len = strcspn(text, ",\n\r");
		const char *start = text;
		size_t trimmed = len;

		while (trimmed > 0 && isspace((unsigned char)*start))
			start++, trimmed--;
		while (trimmed > 0 && isspace((unsigned char)start[trimmed - 1]))
			trimmed--;
		if (trimmed > 0) {
			if (count == MAX_ITEMS)
				return error_set(err, ERR_INVALID_COMMAND,
				    "plus de %d valeurs dans la cellule", "more than %d values in the cell",
				    MAX_ITEMS);
			if (trimmed > MAX_ITEM_BYTES)
				return error_set(err, ERR_INVALID_COMMAND,
				    "valeur de plus de %d octets dans la cellule : « %.40s… »",
				    "value longer than %d bytes in the cell: \"%.40s…\"",
				    MAX_ITEM_BYTES, start);
			memcpy(items[count], start, trimmed);
			items[count][trimmed] = '\0';
			count++;
		}
		text += len;
		if (*text != '\0')
			text++;
	}
	*count_out = count;
	return true;
}


static struct json_object *
string_array(char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], size_t count)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < count; i++)
		json_object_array_add(array, json_object_new_string(items[i]));
	return array;
}


/* A new command body with its processUid: the INDEX-th command of the row keyed LINE_KEY. */
static struct json_object *
command_body(const char *line_key, size_t index, const char *command_type)
{
	struct json_object *body = json_object_new_object();
	char number[24], process_uid[37];
	const char *parts[3] = {"command", line_key, number};

	snprintf(number, sizeof(number), "%zu", index);
	import_uid(process_uid, parts, 3);
	json_object_object_add(body, "processUid", json_object_new_string(process_uid));
	json_object_object_add(body, "commandType", json_object_new_string(command_type));
	return body;
}


/* The key of a row: its layout, company and every cell, so equal rows share their uids. */
static void
row_key(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, char out[37])
{
	const char *parts[COL__MAX + 2];
	size_t count = 0;

	parts[count++] = columns->layout == CSV_PATRIMONIES ? "patrimonies" : "providerContacts";
	parts[count++] = mapping->company;
	for (int i = 0; i < COL__MAX; i++)
		parts[count++] = cell(columns, row, (enum csv_column)i);
	import_uid(out, parts, count);
}


static bool
is_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return len > 0;
}


static bool
is_number_suffix(const char *token)
{
	static const char *const suffixes[] = {"bis", "ter", "quater", "a", "b", "c", "d", NULL};

	for (size_t i = 0; suffixes[i] != NULL; i++)
		if (strcasecmp(token, suffixes[i]) == 0)
			return true;
	return false;
}


/* Joins TOKENS[FROM..TO) with spaces into a new JSON string. */
static struct json_object *
joined(char tokens[][128], size_t from, size_t to)
{
	struct strbuf text;
	struct json_object *value;

	strbuf_init(&text);
	for (size_t i = from; i < to; i++) {
		if (i > from)
			strbuf_puts(&text, " ");
		strbuf_puts(&text, tokens[i]);
	}
	value = json_object_new_string(text.data != NULL ? text.data : "");
	strbuf_free(&text);
	return value;
}


struct json_object *
csv_map_address(const char *text)
{
	char tokens[32][128];
	size_t count = 0, postcode = 0, street_from = 0;
	bool found = false;
	struct json_object *address;

	/* Commas and line breaks separate like spaces: "12 rue X, 69002 Lyon". */
	for (const char *s = text; *s != '\0';) {
		size_t len;
		s += strspn(s, " \t\r\n,");
		len = strcspn(s, " \t\r\n,");
		if (len == 0)
			break;
		if (count == 32 || len >= 128)
			return NULL;
		memcpy(tokens[count], s, len);
		tokens[count++][len] = '\0';
		s += len;
	}

	/* The postcode is the last five-digit token with a street before it and a city after it. */
	for (size_t i = count; i-- > 1;) {
		if (i + 1 < count && strlen(tokens[i]) == 5 && is_digits(tokens[i], 5)) {
			postcode = i;
			found = true;
			break;
		}
	}
	if (!found)
		return NULL;

	address = json_object_new_object();
	if (isdigit((unsigned char)tokens[0][0])) {
		street_from = 1;
		if (street_from < postcode && is_number_suffix(tokens[1]))
			street_from = 2;
		json_object_object_add(address, "number", joined(tokens, 0, street_from));
	}
	if (street_from >= postcode) {
		json_object_put(address);
		return NULL;
	}
	json_object_object_add(address, "street", joined(tokens, street_from, postcode));
	json_object_object_add(address, "zipCode", json_object_new_string(tokens[postcode]));
	json_object_object_add(address, "city", joined(tokens, postcode + 1, count));
	return address;
}


/* Resolves the agencies cell into uids; false with the line rejected or failed. */
static bool
map_agencies(const struct csv_mapping *mapping, const char *text, struct json_object **uids,
    struct import_line *line, bool *failed)
{
	char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], uid[37];
	size_t count;

	*failed = false;
	*uids = json_object_new_array();
	if (!split_items(text, items, &count, &line->err))
		goto rejected;
	if (count == 0) {
		error_set(&line->err, ERR_INVALID_COMMAND, "au moins une agence est obligatoire",
		    "at least one agency is required");
		goto rejected;
	}
	for (size_t i = 0; i < count; i++) {
		switch (mapping->lookup->agency(mapping->lookup->data, mapping->company, items[i], uid,
		    &line->err)) {
		case LOOKUP_FOUND:
			json_object_array_add(*uids, json_object_new_string(uid));
			continue;
		case LOOKUP_UNKNOWN:
			error_set(&line->err, ERR_REFERENCED_ENTITY_NOT_FOUND,
			    "agence « %.80s » inconnue dans ce compte client",
			    "unknown agency \"%.80s\" in this client account", items[i]);
			break;
		case LOOKUP_AMBIGUOUS:
			error_set(&line->err, ERR_INCONSISTENT_REFERENCE,
			    "« %.80s » désigne plusieurs agences : indiquez son identifiant",
			    "\"%.80s\" names several agencies: give its uid", items[i]);
			break;
		case LOOKUP_OTHER_COMPANY:
			error_set(&line->err, ERR_INCONSISTENT_REFERENCE,
			    "l'agence %.80s appartient à un autre compte client",
			    "agency %.80s belongs to another client account", items[i]);
			break;
		case LOOKUP_FAILED:
			*failed = true;
			break;
		}
		goto rejected;
	}
	return true;

rejected:
	json_object_put(*uids);
	*uids = NULL;
	return false;
}


static bool
map_patrimony(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, const char *key, struct import_line *line)
{
	const char *ref = cell(columns, row, COL_REF);
	const char *label = cell(columns, row, COL_LABEL);
	const char *address_text = cell(columns, row, COL_ADDRESS);
	const char *parts[3] = {"patrimony", mapping->company, ref};
	struct json_object *body, *agencies, *address = NULL;
	char uid[37], existing[37], path[96];
	bool failed, stored = false;

	if (ref[0] == '\0') {
		error_set(&line->err, ERR_INVALID_COMMAND, "référence obligatoire", "reference required");
		return reject(line, COL_REF);
	}
	import_uid(uid, parts, 3);

	/* Contact sheets name patrimonies by ref: a ref must name one patrimony only. */
	switch (mapping->lookup->patrimony(mapping->lookup->data, mapping->company, ref, existing,
	    &line->err)) {
	case LOOKUP_FAILED:
		return false;
	case LOOKUP_FOUND:
		stored = strcmp(existing, uid) == 0;
		if (stored)
			break;
		/* FALLTHROUGH */
	case LOOKUP_AMBIGUOUS:
		error_set(&line->err, ERR_INCONSISTENT_REFERENCE,
		    "la référence « %.80s » est déjà celle d'un autre patrimoine de ce compte client",
		    "reference \"%.80s\" already belongs to another patrimony of this client account", ref);
		return reject(line, COL_REF);
	default:
		break;
	}

	if (!map_agencies(mapping, cell(columns, row, COL_AGENCIES), &agencies, line, &failed))
		return failed ? false : reject(line, COL_AGENCIES);
	if (address_text[0] != '\0' && (address = csv_map_address(address_text)) == NULL) {
		json_object_put(agencies);
		error_set(&line->err, ERR_INVALID_COMMAND,
		    "adresse illisible : attendu « numéro rue code-postal ville », "
		    "par exemple « 12 rue de la République 69002 Lyon »",
		    "unreadable address: expected \"number street postcode city\", "
		    "for example \"12 rue de la République 69002 Lyon\"");
		return reject(line, COL_ADDRESS);
	}

	body = command_body(key, 0, "ReferencePatrimony");
	json_object_object_add(body, "aggregateUid", json_object_new_string(uid));
	json_object_object_add(body, "ref", json_object_new_string(ref));
	json_object_object_add(body, "agencyUids", agencies);
	if (label[0] != '\0')
		json_object_object_add(body, "label", json_object_new_string(label));
	/*
	 * The pipeline rejects a new patrimony mostly for its agencies (404, 409,
	 * 403).  It rejects one already stored under this ref only as existing,
	 * when the row's cells changed since its import, so the ref is at fault.
	 */
	import_line_add(line, "POST", "/api/vEvent/patrimonies", body, stored ? "ref" : "agencies");

	if (address != NULL) {
		body = command_body(key, 1, "AddComplementaryAddressToPatrimony");
		json_object_object_add(body, "complementaryAddress", address);
		snprintf(path, sizeof(path), "/api/vEvent/patrimonies/%s", uid);
		import_line_add(line, "PATCH", path, body, "address");
	}
	return true;
}


/* SIRET digits of the cell, spaces dropped; false with LINE's error when not a SIRET. */
static bool
read_siret(const char *text, char digits[16], struct import_line *line)
{
	size_t len = 0;

	for (const char *s = text; *s != '\0'; s++) {
		if (*s == ' ' || *s == '.')
			continue;
		if (len == 15)
			break;
		digits[len++] = *s;
	}
	digits[len] = '\0';
	return len == 0 || types_check_siret(digits, len, &line->err);
}


/*
 * Adds the AddProviderContact command of ROW to LINE.  Returns COL__MAX, or
 * the list column whose cell cannot be split, with LINE's error set.
 */
static enum csv_column
add_contact(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, const char *key, const char *uid, const char *siret,
    struct import_line *line)
{
	char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], company[37];
	struct json_object *body = command_body(key, 0, "AddProviderContact");
	struct json_object *name = json_object_new_object();
	static const struct {
		enum csv_column column;
		const char *field;
	} lists[] = {{COL_PHONES, "phones"}, {COL_FAX, "fax"}, {COL_MAILS, "emails"}};

	json_object_object_add(body, "aggregateUid", json_object_new_string(uid));
	json_object_object_add(body, "companyUid", json_object_new_string(mapping->company));
	if (siret[0] != '\0') {
		const char *parts[2] = {"providerCompany", siret};
		import_uid(company, parts, 2);
		json_object_object_add(body, "providerCompanyUid", json_object_new_string(company));
	}
	json_object_object_add(body, "date", json_object_new_string(mapping->date));
	json_object_object_add(name, "value", json_object_new_string(cell(columns, row, COL_NAME)));
	json_object_object_add(name, "nameType", json_object_new_string("PoorName"));
	json_object_object_add(body, "name", name);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		size_t count;

		if (!split_items(cell(columns, row, lists[i].column), items, &count, &line->err)) {
			json_object_put(body);
			return lists[i].column;
		}
		json_object_object_add(body, lists[i].field, string_array(items, count));
	}
	import_line_add(line, "POST", "/api/vEvent/providercontacts", body, "name");
	return COL__MAX;
}


/* One AssignActivityToProviderContact per trade of the activities cell. */
static bool
add_activities(const char *text, const char *key, const char *path, struct import_line *line)
{
	char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], uid[37];
	size_t count;

	if (!split_items(text, items, &count, &line->err))
		return false;
	for (size_t i = 0; i < count; i++) {
		const struct trade *trade = trade_find(items[i]);
		struct json_object *body, *types;

		if (trade == NULL) {
			error_set(&line->err, ERR_INVALID_COMMAND,
			    "métier « %.60s » inconnu (connus : plombier, chauffagiste, électricien, "
			    "serrurier, vitrier, ascensoriste)",
			    "unknown trade \"%.60s\" (known: plombier, chauffagiste, électricien, "
			    "serrurier, vitrier, ascensoriste)", items[i]);
			return false;
		}
		body = command_body(key, line->count, "AssignActivityToProviderContact");
		trade_activity_uid(trade, uid);
		json_object_object_add(body, "activityUid", json_object_new_string(uid));
		types = json_object_new_array();
		for (size_t j = 0; trade->purposes[j] != NULL; j++) {
			trade_purpose_uid(trade->purposes[j], uid);
			json_object_array_add(types, json_object_new_string(uid));
		}
		json_object_object_add(body, "includedIncidentTypes", types);
		import_line_add(line, "PATCH", path, body, "activities");
	}
	return true;
}


/* One AssociateProviderContactWithPatrimony per ref of the patrimoines cell. */
static enum lookup_result
add_patrimonies(const struct csv_mapping *mapping, const char *text, const char *key,
    const char *path, struct import_line *line)
{
	char items[MAX_ITEMS][MAX_ITEM_BYTES + 1], uid[37];
	size_t count;

	/* A cell that cannot be split rejects the row like an unknown ref does. */
	if (!split_items(text, items, &count, &line->err))
		return LOOKUP_UNKNOWN;
	for (size_t i = 0; i < count; i++) {
		enum lookup_result found = mapping->lookup->patrimony(mapping->lookup->data,
		    mapping->company, items[i], uid, &line->err);
		struct json_object *body;

		if (found == LOOKUP_UNKNOWN || found == LOOKUP_OTHER_COMPANY)
			error_set(&line->err, ERR_REFERENCED_ENTITY_NOT_FOUND,
			    "aucun patrimoine de référence « %.80s » dans ce compte client",
			    "no patrimony with reference \"%.80s\" in this client account", items[i]);
		else if (found == LOOKUP_AMBIGUOUS)
			error_set(&line->err, ERR_INCONSISTENT_REFERENCE,
			    "la référence « %.80s » désigne plusieurs patrimoines",
			    "reference \"%.80s\" names several patrimonies", items[i]);
		if (found != LOOKUP_FOUND)
			return found;
		body = command_body(key, line->count, "AssociateProviderContactWithPatrimony");
		json_object_object_add(body, "patrimonyUid", json_object_new_string(uid));
		import_line_add(line, "PATCH", path, body, "patrimoines");
	}
	return LOOKUP_FOUND;
}


static bool
map_contact(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, const char *key, struct import_line *line)
{
	const char *name = cell(columns, row, COL_NAME);
	char siret[16], uid[37], path[96];
	const char *parts[4] = {"providerContact", mapping->company, siret, name};
	enum csv_column bad_column;
	enum lookup_result found;

	if (name[0] == '\0') {
		error_set(&line->err, ERR_INVALID_COMMAND, "nom obligatoire", "name required");
		return reject(line, COL_NAME);
	}
	if (!read_siret(cell(columns, row, COL_SIRET), siret, line))
		return reject(line, COL_SIRET);

	import_uid(uid, parts, 4);
	snprintf(path, sizeof(path), "/api/vEvent/providercontacts/%s", uid);
	bad_column = add_contact(mapping, columns, row, key, uid, siret, line);
	if (bad_column != COL__MAX)
		return reject(line, bad_column);
	if (!add_activities(cell(columns, row, COL_ACTIVITIES), key, path, line))
		return reject(line, COL_ACTIVITIES);
	found = add_patrimonies(mapping, cell(columns, row, COL_PATRIMONIES), key, path, line);
	if (found == LOOKUP_FAILED)
		return false;
	if (found != LOOKUP_FOUND)
		return reject(line, COL_PATRIMONIES);
	return true;
}


/* True when ROW has a non-empty cell beyond the header's columns. */
static bool
row_too_long(const struct csv_columns *columns, const struct csv_row *row)
{
	int last = -1;

	for (int i = 0; i < COL__MAX; i++)
		if (columns->index[i] > last)
			last = columns->index[i];
	for (size_t i = (size_t)(last + 1); i < row->count; i++)
		if (row->cells[i][0] != '\0')
			return true;
	return false;
}


bool
csv_map_row(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, struct import_line *line)
{
	char key[37];

	import_line_clear(line);
	line->line = row->line;
	if (row_too_long(columns, row)) {
		error_set(&line->err, ERR_INVALID_COMMAND,
		    "plus de cellules que de colonnes dans l'en-tête",
		    "more cells than columns in the header");
		line->rejected = true;
		line->column = "";
		return true;
	}

	row_key(mapping, columns, row, key);
	if (columns->layout == CSV_PATRIMONIES)
		return map_patrimony(mapping, columns, row, key, line);
	return map_contact(mapping, columns, row, key, line);
}
