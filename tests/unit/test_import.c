/*
 * Unit tests of the import's pure parts: encodings, CSV reading, the
 * mapping of the onboarding sheets to commands, and the uids derived.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "import/csv_map.h"
#include "import/csv_table.h"
#include "import/import_text.h"
#include "import/import_uid.h"
#include "import/trades.h"
#include "run_suite.h"

#define COMPANY "9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f"
#define AGENCY_LYON "7a2e4c91-6b3d-4f08-a1e5-3c9d8b7f2e60"
#define AGENCY_BRON "2b6a9e3f-4c1d-4e8b-a7f2-5d0c9b8a6e31"
#define AGENCY_ELSEWHERE "3c7a1e9d-5b2f-4d8a-b6e0-1f4c9a2d7e53"
#define PATRIMONY_TIL "5d8c3b1e-2f47-4a96-8e0b-6c1a9f3d7e25"


/* ---------------------------------------------------------------- encodings */

static struct import_text text;
static struct error err;


static bool
decode(const char *bytes, size_t len)
{
	free(text.data);
	memset(&text, 0, sizeof(text));
	error_clear(&err);
	return import_text_decode(bytes, len, &text, &err);
}


START_TEST(utf8_is_kept)
{
	ck_assert(decode("ref;label\nA;Hélène\n", strlen("ref;label\nA;Hélène\n")));
	ck_assert_int_eq(text.encoding, IMPORT_UTF8);
	ck_assert_str_eq(text.data, "ref;label\nA;Hélène\n");
}
END_TEST


START_TEST(utf8_bom_is_dropped)
{
	ck_assert(decode("\xEF\xBB\xBFref\n", 7));
	ck_assert_int_eq(text.encoding, IMPORT_UTF8_BOM);
	ck_assert_str_eq(text.data, "ref\n");
}
END_TEST


START_TEST(windows_1252_is_converted)
{
	/* "François;Benoît;œuvre;‘’" as a French spreadsheet saves it. */
	ck_assert(decode("Fran\xE7ois;Beno\xEEt;\x9C" "uvre;\x91\x92", 24));
	ck_assert_int_eq(text.encoding, IMPORT_WINDOWS_1252);
	ck_assert_str_eq(text.data, "François;Benoît;œuvre;‘’");
}
END_TEST


START_TEST(undefined_windows_1252_byte_is_refused)
{
	ck_assert(!decode("caf\xE9 \x81", 6));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.message_fr, "CSV UTF-8"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "CSV UTF-8"));
}
END_TEST


START_TEST(utf16_is_refused)
{
	ck_assert(!decode("\xFF\xFEr\0e\0f\0", 8));
	ck_assert_ptr_nonnull(strstr(err.message_fr, "UTF-16"));
}
END_TEST


START_TEST(nul_byte_is_refused)
{
	ck_assert(!decode("ref\0x\n", 6));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
}
END_TEST


START_TEST(garbled_utf8_is_refused)
{
	/* "Hélène" converted twice: "HÃ©lÃ¨ne". */
	ck_assert(!decode("H\xC3\x83\xC2\xA9l\xC3\x83\xC2\xA8ne", 12));
	ck_assert_ptr_nonnull(strstr(err.message_en, "garbled"));
	/* "l’agence" converted twice: "lâ€™agence". */
	ck_assert(!decode("l\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2" "agence", 15));
}
END_TEST


/* ---------------------------------------------------------------- CSV */

static struct csv_table table;


static bool
read_csv(const char *csv)
{
	csv_table_free(&table);
	error_clear(&err);
	return csv_table_read(csv, strlen(csv), &table, &err);
}


START_TEST(separator_is_detected_on_the_header)
{
	ck_assert_int_eq(csv_table_separator("a;b;c\n1,2;3", 11), ';');
	ck_assert_int_eq(csv_table_separator("a,b;c,d\n", 8), ',');
	ck_assert_int_eq(csv_table_separator("\"a;b;c\",d,e\n", 12), ',');
	ck_assert_int_eq(csv_table_separator("a\tb\tc\n", 6), '\t');
}
END_TEST


START_TEST(quoted_cells_keep_separators_quotes_and_line_breaks)
{
	ck_assert(read_csv("ref;label\r\n\"A;1\";\"dit \"\"le Parc\"\"\"\r\n"
	    "B;\"deux\nlignes\"\r\n\r\nC; espaces \r\n"));
	ck_assert_int_eq(table.separator, ';');
	ck_assert_uint_eq(table.count, 4);
	ck_assert_str_eq(table.rows[1].cells[0], "A;1");
	ck_assert_str_eq(table.rows[1].cells[1], "dit \"le Parc\"");
	ck_assert_str_eq(table.rows[2].cells[1], "deux\nlignes");
	ck_assert_str_eq(table.rows[3].cells[1], "espaces");
	/* Line numbers count the line break inside B's cell and the blank line. */
	ck_assert_int_eq(table.rows[1].line, 2);
	ck_assert_int_eq(table.rows[2].line, 3);
	ck_assert_int_eq(table.rows[3].line, 6);
}
END_TEST


START_TEST(unclosed_quote_names_its_line)
{
	ck_assert(!read_csv("ref;label\nA;\"open\nB;x\n"));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.message_en, "quote"));
	ck_assert(!read_csv("ref;label\nA;x\"y\"z\n"));
	ck_assert_ptr_nonnull(strstr(err.message_fr, "ligne 2"));
}
END_TEST


START_TEST(empty_file_is_refused)
{
	ck_assert(!read_csv("\n\n"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "header"));
}
END_TEST


START_TEST(lone_cr_ends_a_line)
{
	ck_assert(read_csv("ref;label\rA;x\r\rB;\"deux\rlignes\"\rC;y\r\n"));
	ck_assert_uint_eq(table.count, 4);
	ck_assert_int_eq(table.rows[1].line, 2);
	ck_assert_int_eq(table.rows[2].line, 4);
	ck_assert_int_eq(table.rows[3].line, 6);
}
END_TEST


/* A cell saved with CR LF or CR line breaks reads as one saved with LF. */
START_TEST(cell_line_breaks_read_as_lf)
{
	ck_assert(read_csv("ref;label\r\nA;\"deux\r\nlignes\"\r\nB;\"trois\rlignes\"\r\n"));
	ck_assert_uint_eq(table.count, 3);
	ck_assert_str_eq(table.rows[1].cells[1], "deux\nlignes");
	ck_assert_str_eq(table.rows[2].cells[1], "trois\nlignes");
	ck_assert_int_eq(table.rows[2].line, 4);
}
END_TEST


/* Found by tests/fuzz/fuzz_csv.c: a lone CR in the header gave two rows line 1. */
START_TEST(fuzz_lone_cr_rows_get_their_own_line)
{
	static const char csv[] =
	    "Nom;SIRET;T\xC3\xA9l\xC3\xA9phones;Mails;Fax;Activit\xC3\xA9s;Patrimoin\res"
	    "\nPlomberie Martin;9155 22 320 00074;\"04 72 00 00 01\n04 72 00 00 02\";con"
	    "tact@martin.fr;;plombier, \xC3\xA9l 22 320 00074;\"04 72 00 00 01\n04 72 00"
	    " 00 02\";contact@mseurs;;;;;jardinier;down\r\n";

	ck_assert(read_csv(csv));
	ck_assert_uint_eq(table.count, 3);
	ck_assert_int_eq(table.rows[0].line, 1);
	ck_assert_int_eq(table.rows[1].line, 2);
	ck_assert_int_eq(table.rows[2].line, 3);
}
END_TEST


/* ---------------------------------------------------------------- header */

static struct csv_columns columns;


static bool
header(const char *csv)
{
	ck_assert(read_csv(csv));
	error_clear(&err);
	return csv_map_header(&table.rows[0], &columns, &err);
}


START_TEST(header_gives_the_layout)
{
	ck_assert(header("ref;agencies;label;address\n"));
	ck_assert_int_eq(columns.layout, CSV_PATRIMONIES);
	ck_assert_int_eq(columns.index[COL_ADDRESS], 3);
	ck_assert(header("Nom;SIRET;Téléphones;Mails;Activités;Patrimoines\n"));
	ck_assert_int_eq(columns.layout, CSV_PROVIDER_CONTACTS);
	ck_assert_int_eq(columns.index[COL_NAME], 0);
	ck_assert_int_eq(columns.index[COL_PHONES], 2);
	ck_assert_int_eq(columns.index[COL_FAX], -1);
}
END_TEST


START_TEST(header_errors)
{
	ck_assert(!header("ref;agencies;couleur\n"));
	ck_assert_ptr_nonnull(strstr(err.message_fr, "couleur"));
	ck_assert(!header("ref;agencies;ref\n"));
	ck_assert(!header("ref;agencies;siret\n"));
	ck_assert(!header("ref;label\n"));
	ck_assert(!header("siret;phones\n"));
}
END_TEST


/* Spreadsheets export the empty columns after the last one as trailing separators. */
START_TEST(header_trailing_empty_cells_ignored)
{
	ck_assert(header("ref;agencies;label;;;\n"));
	ck_assert_int_eq(columns.layout, CSV_PATRIMONIES);
	ck_assert_int_eq(columns.index[COL_LABEL], 2);
	ck_assert(header("siret;name; ;\n"));
	ck_assert_int_eq(columns.layout, CSV_PROVIDER_CONTACTS);
}
END_TEST


START_TEST(header_empty_cell_between_columns_rejected)
{
	ck_assert(!header("ref;;agencies\n"));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.message_fr, "colonne 2 sans nom"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "column 2 has no name"));
}
END_TEST


/*
 * Found by tests/fuzz/fuzz_csv.c: a Windows-1252 header whose unknown name
 * was cut inside a character by "%.60s", leaving invalid UTF-8 in the message.
 */
START_TEST(fuzz_cut_column_name_keeps_message_utf8)
{
	static const char bytes[] =
	    "ref;age\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4"
	    "\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4"
	    "\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\xB4\x07"
	    "8 all\xE9" "e du i 1945 `38200 Viennemaidex\n";

	ck_assert(decode(bytes, sizeof(bytes) - 1));
	ck_assert(!header(text.data));
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
	ck_assert_ptr_null(u8_check((const uint8_t *)err.message_fr, strlen(err.message_fr)));
	ck_assert_ptr_null(u8_check((const uint8_t *)err.message_en, strlen(err.message_en)));
	ck_assert_ptr_nonnull(strstr(err.message_en, "unknown column \"age\xC3\xBF"));
}
END_TEST


/* ---------------------------------------------------------------- addresses */

static void
check_address(const char *text_in, const char *number, const char *street, const char *zip,
    const char *city)
{
	struct json_object *address = csv_map_address(text_in), *value;

	ck_assert_msg(address != NULL, "%s", text_in);
	if (number == NULL)
		ck_assert(!json_object_object_get_ex(address, "number", &value));
	else
		ck_assert_str_eq(json_object_get_string(json_object_object_get(address, "number")), number);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(address, "street")), street);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(address, "zipCode")), zip);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(address, "city")), city);
	json_object_put(address);
}


START_TEST(address_is_split)
{
	check_address("12 rue de la République 69002 Lyon", "12", "rue de la République", "69002", "Lyon");
	check_address("12 bis avenue Jean Jaurès 69007 Lyon", "12 bis", "avenue Jean Jaurès", "69007", "Lyon");
	check_address("Place Bellecour 69002 Lyon", NULL, "Place Bellecour", "69002", "Lyon");
	check_address("3, impasse des Lilas, 42000 Saint-Étienne", "3", "impasse des Lilas", "42000",
	    "Saint-Étienne");
	check_address("8 allée du 8 mai 1945 38200 Vienne Cedex", "8", "allée du 8 mai 1945", "38200",
	    "Vienne Cedex");
}
END_TEST


START_TEST(unreadable_address_is_null)
{
	ck_assert_ptr_null(csv_map_address("rue de la Paix Lyon"));
	ck_assert_ptr_null(csv_map_address("12 69002 Lyon"));
	ck_assert_ptr_null(csv_map_address("12 rue de la Paix 69002"));
	ck_assert_ptr_null(csv_map_address("12 rue de la Paix 6900 Lyon"));
	ck_assert_ptr_null(csv_map_address(""));
}
END_TEST


/* ---------------------------------------------------------------- rows */

/* Fake stored data: agencies AG-LYON and AG-BRON of COMPANY, "Lyon" names two. */
static enum lookup_result
fake_agency(void *data, const char *company, const char *item, char uid[37], struct error *e)
{
	(void)data;
	(void)e;
	ck_assert_str_eq(company, COMPANY);
	if (strcmp(item, AGENCY_LYON) == 0 || strcmp(item, "AG-LYON") == 0) {
		strcpy(uid, AGENCY_LYON);
		return LOOKUP_FOUND;
	}
	if (strcmp(item, "AG-BRON") == 0) {
		strcpy(uid, AGENCY_BRON);
		return LOOKUP_FOUND;
	}
	if (strcmp(item, AGENCY_ELSEWHERE) == 0)
		return LOOKUP_OTHER_COMPANY;
	if (strcmp(item, "Lyon") == 0)
		return LOOKUP_AMBIGUOUS;
	return LOOKUP_UNKNOWN;
}


/* Fake patrimonies: TIL-01 exists, DUO names two, TAKEN belongs to another row's uid. */
static enum lookup_result
fake_patrimony(void *data, const char *company, const char *ref, char uid[37], struct error *e)
{
	(void)data;
	(void)company;
	if (strcmp(ref, "TIL-01") == 0) {
		strcpy(uid, PATRIMONY_TIL);
		return LOOKUP_FOUND;
	}
	if (strcmp(ref, "PAT-STORED") == 0) {
		const char *parts[3] = {"patrimony", COMPANY, "PAT-STORED"};

		import_uid(uid, parts, 3);
		return LOOKUP_FOUND;
	}
	if (strcmp(ref, "DUO") == 0)
		return LOOKUP_AMBIGUOUS;
	if (strcmp(ref, "DOWN") == 0) {
		error_set(e, ERR_SERVICE_UNAVAILABLE, "base indisponible", "database unavailable");
		return LOOKUP_FAILED;
	}
	return LOOKUP_UNKNOWN;
}

static const struct csv_lookup fake_lookup = {NULL, fake_agency, fake_patrimony};
static const struct csv_mapping mapping = {COMPANY, "2025-03-03T09:00:00.000Z", &fake_lookup};
static struct import_line line;


/* Maps the first data row of CSV into LINE. */
static bool
map(const char *csv)
{
	ck_assert(header(csv));
	return csv_map_row(&mapping, &columns, &table.rows[1], &line);
}


static const char *
field(size_t command, const char *name)
{
	struct json_object *value = NULL;

	ck_assert_uint_lt(command, line.count);
	json_object_object_get_ex(line.commands[command].body, name, &value);
	return value != NULL ? json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
}


START_TEST(patrimony_row_gives_two_commands)
{
	char uid[37], path[96];
	const char *parts[3] = {"patrimony", COMPANY, "PAT-9"};

	ck_assert(map("ref;agencies;label;address\n"
	    "PAT-9;\"" AGENCY_LYON ", AG-BRON\";Résidence Les Érables;5 rue Pasteur 69500 Bron\n"));
	ck_assert(!line.rejected);
	ck_assert_uint_eq(line.count, 2);
	import_uid(uid, parts, 3);
	ck_assert_str_eq(line.commands[0].method, "POST");
	ck_assert_str_eq(line.commands[0].path, "/api/vEvent/patrimonies");
	ck_assert_str_eq(field(0, "commandType"), "\"ReferencePatrimony\"");
	ck_assert_str_eq(field(0, "ref"), "\"PAT-9\"");
	ck_assert_str_eq(field(0, "agencyUids"), "[\"" AGENCY_LYON "\",\"" AGENCY_BRON "\"]");
	ck_assert_str_eq(field(0, "label"), "\"Résidence Les Érables\"");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(line.commands[0].body,
	    "aggregateUid")), uid);
	snprintf(path, sizeof(path), "/api/vEvent/patrimonies/%s", uid);
	ck_assert_str_eq(line.commands[1].method, "PATCH");
	ck_assert_str_eq(line.commands[1].path, path);
	ck_assert_str_eq(field(1, "complementaryAddress"),
	    "{\"number\":\"5\",\"street\":\"rue Pasteur\",\"zipCode\":\"69500\",\"city\":\"Bron\"}");
}
END_TEST


/* A changed row of a stored patrimony is rejected as existing, so its ref is at fault. */
START_TEST(stored_patrimony_row_blames_ref)
{
	ck_assert(map("ref;agencies\nPAT-STORED;AG-LYON\n"));
	ck_assert(!line.rejected);
	ck_assert_str_eq(line.commands[0].column, "ref");
	ck_assert(map("ref;agencies\nPAT-9;AG-LYON\n"));
	ck_assert_str_eq(line.commands[0].column, "agencies");
}
END_TEST

START_TEST(same_row_gives_same_uids)
{
	char first[2][37];

	ck_assert(map("ref;agencies\nPAT-9;AG-LYON\n"));
	for (size_t i = 0; i < 1; i++)
		snprintf(first[i], 37, "%s", json_object_get_string(json_object_object_get(
		    line.commands[i].body, "processUid")));
	ck_assert(map("ref;agencies\nPAT-9;AG-LYON\n"));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(line.commands[0].body,
	    "processUid")), first[0]);
	ck_assert(map("ref;agencies\nPAT-9;AG-BRON\n"));
	ck_assert_str_ne(json_object_get_string(json_object_object_get(line.commands[0].body,
	    "processUid")), first[0]);
}
END_TEST


static void
check_rejected(const char *csv, const char *column, enum error_type type, const char *words)
{
	ck_assert(map(csv));
	ck_assert_msg(line.rejected, "%s", csv);
	ck_assert_uint_eq(line.count, 0);
	ck_assert_str_eq(line.column, column);
	ck_assert_int_eq(line.err.type, type);
	ck_assert_msg(strstr(line.err.message_fr, words) != NULL, "%s", line.err.message_fr);
}


START_TEST(patrimony_rows_that_cannot_be_mapped)
{
	check_rejected("ref;agencies\nPAT-9;AG-NOWHERE\n", "agencies", ERR_REFERENCED_ENTITY_NOT_FOUND,
	    "AG-NOWHERE");
	check_rejected("ref;agencies\nPAT-9;Lyon\n", "agencies", ERR_INCONSISTENT_REFERENCE,
	    "plusieurs agences");
	check_rejected("ref;agencies\nPAT-9;" AGENCY_ELSEWHERE "\n", "agencies",
	    ERR_INCONSISTENT_REFERENCE, "autre compte client");
	check_rejected("ref;agencies\nPAT-9;\n", "agencies", ERR_INVALID_COMMAND, "au moins une agence");
	check_rejected("ref;agencies\n;AG-LYON\n", "ref", ERR_INVALID_COMMAND, "obligatoire");
	check_rejected("ref;agencies\nTIL-01;AG-LYON\n", "ref", ERR_INCONSISTENT_REFERENCE,
	    "autre patrimoine");
	check_rejected("ref;agencies\nDUO;AG-LYON\n", "ref", ERR_INCONSISTENT_REFERENCE, "autre patrimoine");
	check_rejected("ref;agencies;address\nPAT-9;AG-LYON;rue sans numéro Lyon\n", "address",
	    ERR_INVALID_COMMAND, "adresse illisible");
	check_rejected("ref;agencies\nPAT-9;AG-LYON;en trop\n", "", ERR_INVALID_COMMAND, "plus de cellules");
}
END_TEST


START_TEST(failed_lookup_stops_the_mapping)
{
	ck_assert(header("name;patrimoines\nDupré;DOWN\n"));
	ck_assert(!csv_map_row(&mapping, &columns, &table.rows[1], &line));
	ck_assert_int_eq(line.err.type, ERR_SERVICE_UNAVAILABLE);
}
END_TEST


START_TEST(contact_row_gives_its_commands)
{
	char uid[37], company[37], activity[37], purpose[37], path[96];
	const char *parts[4] = {"providerContact", COMPANY, "73282932000074", "Dupré Dépannage"};
	const char *company_parts[2] = {"providerCompany", "73282932000074"};
	const struct trade *plumber = trade_find("plombier");

	ck_assert(map("siret,name,phones,mails,fax,activities,patrimoines\n"
	    "732 829 320 00074,Dupré Dépannage,\"0472001122\n0611223344\",a@dupre.example,,"
	    "\"Plombier, Serrurier\",TIL-01\n"));
	ck_assert(!line.rejected);
	ck_assert_uint_eq(line.count, 4);
	import_uid(uid, parts, 4);
	import_uid(company, company_parts, 2);
	ck_assert_str_eq(field(0, "commandType"), "\"AddProviderContact\"");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(line.commands[0].body,
	    "aggregateUid")), uid);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(line.commands[0].body,
	    "providerCompanyUid")), company);
	ck_assert_str_eq(field(0, "companyUid"), "\"" COMPANY "\"");
	ck_assert_str_eq(field(0, "name"), "{\"value\":\"Dupré Dépannage\",\"nameType\":\"PoorName\"}");
	ck_assert_str_eq(field(0, "phones"), "[\"0472001122\",\"0611223344\"]");
	ck_assert_str_eq(field(0, "emails"), "[\"a@dupre.example\"]");
	ck_assert_str_eq(field(0, "fax"), "[]");
	ck_assert_str_eq(field(0, "date"), "\"2025-03-03T09:00:00.000Z\"");

	snprintf(path, sizeof(path), "/api/vEvent/providercontacts/%s", uid);
	ck_assert_str_eq(line.commands[1].path, path);
	ck_assert_str_eq(field(1, "commandType"), "\"AssignActivityToProviderContact\"");
	trade_activity_uid(plumber, activity);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(line.commands[1].body,
	    "activityUid")), activity);
	trade_purpose_uid("fuite d'eau", purpose);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(json_object_object_get(
	    line.commands[1].body, "includedIncidentTypes"), 0)), purpose);
	ck_assert_str_eq(field(2, "commandType"), "\"AssignActivityToProviderContact\"");
	ck_assert_str_eq(field(3, "commandType"), "\"AssociateProviderContactWithPatrimony\"");
	ck_assert_str_eq(field(3, "patrimonyUid"), "\"" PATRIMONY_TIL "\"");
}
END_TEST


START_TEST(contact_rows_that_cannot_be_mapped)
{
	check_rejected("siret,name\n73282932000075,Dupré\n", "siret", ERR_INVALID_COMMAND, "SIRET");
	check_rejected("siret,name\n7328293200,Dupré\n", "siret", ERR_INVALID_COMMAND, "14 chiffres");
	check_rejected("siret,name\n73282932000074,\n", "name", ERR_INVALID_COMMAND, "nom obligatoire");
	check_rejected("name,activities\nDupré,jardinier\n", "activities", ERR_INVALID_COMMAND,
	    "jardinier");
	check_rejected("name,patrimoines\nDupré,DUO\n", "patrimoines", ERR_INCONSISTENT_REFERENCE,
	    "plusieurs patrimoines");
	check_rejected("name,patrimoines\nDupré,\"TIL-01,TIL-99\"\n", "patrimoines",
	    ERR_REFERENCED_ENTITY_NOT_FOUND, "TIL-99");
}
END_TEST


/* A cell of 65 values "0,1,...,64", one more than a list cell may have. */
static char *
many_values(void)
{
	static char cell_text[65 * 4 + 1];
	size_t used = 0;

	for (int i = 0; i < 65; i++)
		used += (size_t)snprintf(cell_text + used, sizeof(cell_text) - used, "%s%d",
		    i > 0 ? "," : "", i);
	return cell_text;
}


/* Values beyond the limits reject the row instead of being dropped. */
START_TEST(oversized_list_cells_reject_the_row)
{
	char csv[1024], long_value[300];

	snprintf(csv, sizeof(csv), "name;phones\nDupré;\"%s\"\n", many_values());
	check_rejected(csv, "phones", ERR_INVALID_COMMAND, "plus de 64 valeurs");
	snprintf(csv, sizeof(csv), "name;mails\nDupré;\"%s\"\n", many_values());
	check_rejected(csv, "mails", ERR_INVALID_COMMAND, "plus de 64 valeurs");

	memset(long_value, 'a', 256);
	long_value[256] = '\0';
	snprintf(csv, sizeof(csv), "name;fax\nDupré;%s\n", long_value);
	check_rejected(csv, "fax", ERR_INVALID_COMMAND, "plus de 255 octets");
	snprintf(csv, sizeof(csv), "ref;agencies\nPAT-9;%s\n", long_value);
	check_rejected(csv, "agencies", ERR_INVALID_COMMAND, "plus de 255 octets");
	snprintf(csv, sizeof(csv), "name;patrimoines\nDupré;%s\n", long_value);
	check_rejected(csv, "patrimoines", ERR_INVALID_COMMAND, "plus de 255 octets");

	/* 255 bytes is still one value. */
	long_value[255] = '\0';
	snprintf(csv, sizeof(csv), "name;fax\nDupré;%s\n", long_value);
	ck_assert(map(csv));
	ck_assert(!line.rejected);
	ck_assert_uint_eq(strlen(field(0, "fax")), 255 + 4);
}
END_TEST


/* Found by tests/fuzz/fuzz_csv.c: an over-long activity rejected the row with no message. */
START_TEST(fuzz_long_activity_rejects_with_message)
{
	static const char bytes[] =
	    "name\tphones\tactivities\nSerrurHes\t\"01 78 00 00activitel 00\"\tseirr\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
	    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFFruer\nX\t\tascensoriste,chW"
	    "uffagiste\n";

	ck_assert(decode(bytes, sizeof(bytes) - 1));
	ck_assert(header(text.data));
	ck_assert(csv_map_row(&mapping, &columns, &table.rows[1], &line));
	ck_assert(line.rejected);
	ck_assert_uint_eq(line.count, 0);
	ck_assert_str_eq(line.column, "activities");
	ck_assert_int_eq(line.err.type, ERR_INVALID_COMMAND);
	ck_assert_ptr_nonnull(strstr(line.err.message_en, "longer than 255 bytes"));
	ck_assert_ptr_null(u8_check((const uint8_t *)line.err.message_fr,
	    strlen(line.err.message_fr)));
}
END_TEST


/* ---------------------------------------------------------------- uids and trades */

START_TEST(import_uid_is_version_5_of_the_joined_parts)
{
	const char *parts[3] = {"patrimony", "c", "PAT-1"};
	const char *moved[3] = {"patrimon", "yc", "PAT-1"};
	char uid[37], other[37];

	/* The same value as tests/data/gen_demo.py's import_uid (Python's uuid5). */
	import_uid(uid, parts, 3);
	ck_assert_str_eq(uid, "d0cedb37-0a90-5ca8-8279-e5d696e1d1f0");
	import_uid(other, moved, 3);
	ck_assert_str_ne(uid, other);
}
END_TEST


START_TEST(trades_match_folded_names)
{
	char uid[37];

	ck_assert_ptr_nonnull(trade_find("ÉLECTRICIEN"));
	ck_assert_ptr_nonnull(trade_find("ascensoriste"));
	ck_assert_ptr_null(trade_find("jardinier"));
	trade_activity_uid(trade_find("Plombier"), uid);
	ck_assert_str_eq(uid, "4430b37b-5f85-56ad-90f8-61f8b9ad8355");
}
END_TEST


static Suite *
import_suite(void)
{
	Suite *suite = suite_create("import");
	TCase *encodings = tcase_create("encodings");
	TCase *csv = tcase_create("csv");
	TCase *mapping_case = tcase_create("mapping");

	tcase_add_test(encodings, utf8_is_kept);
	tcase_add_test(encodings, utf8_bom_is_dropped);
	tcase_add_test(encodings, windows_1252_is_converted);
	tcase_add_test(encodings, undefined_windows_1252_byte_is_refused);
	tcase_add_test(encodings, utf16_is_refused);
	tcase_add_test(encodings, nul_byte_is_refused);
	tcase_add_test(encodings, garbled_utf8_is_refused);
	tcase_add_test(csv, separator_is_detected_on_the_header);
	tcase_add_test(csv, quoted_cells_keep_separators_quotes_and_line_breaks);
	tcase_add_test(csv, unclosed_quote_names_its_line);
	tcase_add_test(csv, empty_file_is_refused);
	tcase_add_test(csv, lone_cr_ends_a_line);
	tcase_add_test(csv, cell_line_breaks_read_as_lf);
	tcase_add_test(csv, fuzz_lone_cr_rows_get_their_own_line);
	tcase_add_test(mapping_case, header_gives_the_layout);
	tcase_add_test(mapping_case, header_errors);
	tcase_add_test(mapping_case, header_trailing_empty_cells_ignored);
	tcase_add_test(mapping_case, header_empty_cell_between_columns_rejected);
	tcase_add_test(mapping_case, fuzz_cut_column_name_keeps_message_utf8);
	tcase_add_test(mapping_case, address_is_split);
	tcase_add_test(mapping_case, unreadable_address_is_null);
	tcase_add_test(mapping_case, patrimony_row_gives_two_commands);
	tcase_add_test(mapping_case, same_row_gives_same_uids);
	tcase_add_test(mapping_case, stored_patrimony_row_blames_ref);
	tcase_add_test(mapping_case, patrimony_rows_that_cannot_be_mapped);
	tcase_add_test(mapping_case, failed_lookup_stops_the_mapping);
	tcase_add_test(mapping_case, contact_row_gives_its_commands);
	tcase_add_test(mapping_case, contact_rows_that_cannot_be_mapped);
	tcase_add_test(mapping_case, oversized_list_cells_reject_the_row);
	tcase_add_test(mapping_case, fuzz_long_activity_rejects_with_message);
	tcase_add_test(mapping_case, import_uid_is_version_5_of_the_joined_parts);
	tcase_add_test(mapping_case, trades_match_folded_names);
	suite_add_tcase(suite, encodings);
	suite_add_tcase(suite, csv);
	suite_add_tcase(suite, mapping_case);
	return suite;
}


int
main(void)
{
	return run_suite(import_suite());
}
