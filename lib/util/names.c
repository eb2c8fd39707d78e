/* names.c - safe name parts (see names.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/names.h"

static int name_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-';
}

void exl_sanitize_name(const char *in, char *out)
{
	size_t n = 0;
	int pending_sep = 0;

	for (; in && *in && n < EXL_NAME_MAX; in++) {
		unsigned char c = (unsigned char)*in;

		/* dots only inside words: no "..", no dot after a separator */
		if (!name_char(c) || c >= 0x80 ||
		    (c == '.' && (pending_sep || n == 0 || out[n - 1] == '.'))) {
			pending_sep = 1;
			continue;
		}
		if (n == 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		if (pending_sep && n > 0 && n + 1 < EXL_NAME_MAX)
			out[n++] = '_';
		pending_sep = 0;
		out[n++] = (char)c;
	}
	while (n > 0 && (out[n - 1] == '_' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	if (n == 0)
		strcpy(out, "job");
}

int exl_valid_group(const char *group)
{
	size_t n = 0;

	if (!group || group[0] == '\0' || group[0] == '.')
		return -1;
	for (; group[n]; n++)
		if (!name_char((unsigned char)group[n]) ||
		    (unsigned char)group[n] >= 0x80)
			return -1;
	return n <= EXL_NAME_MAX ? 0 : -1;
}

void exl_title_case(const char *in, char *out, size_t len)
{
	size_t n = 0;
	int start = 1;

	if (len == 0)
		return;
	for (; *in && n + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == '_' || c == '-' || c == ' ') {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			start = 1;
			continue;
		}
		out[n++] = start ? (char)toupper(c) : (char)c;
		start = 0;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

void exl_task_from_job_name(const char *job_name, char *out, size_t len)
{
	static const char *const suffix[] = { ".sh", ".sbatch", ".slurm",
					      ".bash", NULL };
	size_t n, sl;
	int i;

	snprintf(out, len, "%s", job_name && *job_name ? job_name : "job");
	n = strlen(out);
	for (i = 0; suffix[i]; i++) {
		sl = strlen(suffix[i]);
		if (n > sl && strcmp(out + n - sl, suffix[i]) == 0) {
			out[n - sl] = '\0';
			break;
		}
	}
}

void exl_group_title(const char *group, char *out, size_t len)
{
	if (group)
		exl_title_case(group, out, len);
	else
		snprintf(out, len, "Run Logs");
}
