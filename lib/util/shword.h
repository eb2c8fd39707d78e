/* shword.h - words a user can paste into a POSIX shell.
 *
 * Commands exp-log suggests (in a run log's Next, in a dry run's sbatch
 * line) name paths the user chose; a path with a space or a quote must
 * still paste as one word. */
#ifndef EXL_SHWORD_H
#define EXL_SHWORD_H

#include "util/strbuf.h"

/* Append s to b as one shell word: as it is when it holds only characters
 * no shell treats specially, else in single quotes (a ' inside as '\''). */
void exl_sb_shell_word(struct exl_sb *b, const char *s);

#endif
