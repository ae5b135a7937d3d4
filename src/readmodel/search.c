/* Fulltext terms to LIKE patterns on folded text. */
#include <stdlib.h>
#include <string.h>

#include "common/fold.h"
#include "common/strbuf.h"
#include "search.h"


static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/*
 * Appends %fold(TERM)% and a NUL to OUT, with LIKE's special characters
 * escaped.  Returns false for a blank term, which adds nothing, and also
 * when TERM cannot be folded, which sets *OK to false and fills ERR.
 */
static bool
append_pattern(struct strbuf *out, const char *term, struct error *err, bool *ok)
{
	size_t len = strlen(term);
	char *folded;

	*ok = true;
	while (len > 0 && is_blank(term[len - 1]))
		len--;
	while (len > 0 && is_blank(*term)) {
		term++;
		len--;
	}
	if (len == 0)
		return false;

	folded = fold_text(term, len);
	if (folded == NULL) {
		*ok = error_set(err, ERR_BAD_REQUEST,
		    "paramètre « fulltext » : texte invalide", "parameter \"fulltext\": invalid text");
		return false;
	}
	strbuf_puts(out, "%");
	for (const char *c = folded; *c != '\0'; c++) {
		if (*c == '\\' || *c == '%' || *c == '_')
			strbuf_puts(out, "\\");
		strbuf_append(out, c, 1);
	}
	strbuf_append(out, "%", 2);	/* with its NUL, which ends this pattern */
	free(folded);
	return true;
}


char **
search_like_patterns(char *const *terms, struct error *err)
{
	struct strbuf text;
	size_t count = 0, offset = 0;
	char **patterns;
	bool ok = true;

	/* All patterns go into one buffer, NUL-separated, then behind the pointer array. */
	strbuf_init(&text);
	for (size_t i = 0; ok && terms != NULL && terms[i] != NULL; i++)
		if (append_pattern(&text, terms[i], err, &ok))
			count++;
	if (!ok || text.failed) {
		if (ok)
			error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		strbuf_free(&text);
		return NULL;
	}

	patterns = malloc((count + 1) * sizeof(char *) + text.len + 1);
	if (patterns == NULL) {
		strbuf_free(&text);
		error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		return NULL;
	}
	memcpy((char *)(patterns + count + 1), text.data != NULL ? text.data : "", text.len + 1);
	for (size_t i = 0; i < count; i++) {
		patterns[i] = (char *)(patterns + count + 1) + offset;
		offset += strlen(patterns[i]) + 1;
	}
	patterns[count] = NULL;
	strbuf_free(&text);
	return patterns;
}
