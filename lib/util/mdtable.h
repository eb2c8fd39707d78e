/* mdtable.h - rows of a GitHub-flavoured markdown table.
 *
 * A row is a line starting with '|' (after blanks); cells are split at
 * every '|' not escaped as "\|".  Cells keep their raw text (escapes
 * included, blanks trimmed), so a row that is split and rendered again
 * keeps what a person wrote in it.
 */
#ifndef EXL_MDTABLE_H
#define EXL_MDTABLE_H

#include <stddef.h>

struct exl_md_row {
	char **cells;		/* raw, trimmed */
	size_t n;
};

/* Split line into r.  Returns 0, 1 when line is not a table row, -1 when
 * out of memory. */
int exl_md_row_parse(const char *line, struct exl_md_row *r);
void exl_md_row_free(struct exl_md_row *r);

/* "| a | b |", newly allocated (NULL when out of memory).  An empty
 * cell reads "| |". */
char *exl_md_row_render(const struct exl_md_row *r);

/* The same with an empty cell as "|  |" (the blanks kept either side). */
char *exl_md_row_render_padded(const struct exl_md_row *r);

/* A delimiter row: every cell is dashes with optional colons (":--:"). */
int exl_md_row_is_separator(const struct exl_md_row *r);

/* Set cell i to a copy of raw, adding empty cells up to i.  Returns 0 or
 * -1 when out of memory. */
int exl_md_row_set(struct exl_md_row *r, size_t i, const char *raw);

/* Text as a cell: valid UTF-8, control characters and line breaks as
 * spaces, '|' as "\|", blanks trimmed, at most max bytes of text (cut
 * with "…").  Newly allocated. */
char *exl_md_cell_escape(const char *text, size_t max);

/* A raw cell as text: "\|" back to '|', blanks trimmed.  Newly
 * allocated. */
char *exl_md_cell_text(const char *raw);

#endif
