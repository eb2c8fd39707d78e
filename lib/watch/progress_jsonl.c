/* progress_jsonl.c - progress from JSON-lines records (see progress.h). */
#include <math.h>
#include <string.h>

#include "util/jsonfile.h"
#include "watch/progress.h"

/* number: the value of the first key of keys present in o as a JSON
 * number.  Returns 1 when one was found. */
static int number(json_object *o, const char *const *keys, double *d,
		  long long *ll)
{
	json_object *v;

	for (; *keys; keys++) {
		if (!json_object_object_get_ex(o, *keys, &v))
			continue;
		if (json_object_is_type(v, json_type_int)) {
			*ll = json_object_get_int64(v);
			*d = (double)*ll;
			return 1;
		}
		if (json_object_is_type(v, json_type_double)) {
			*d = json_object_get_double(v);
			/* 9.2e18: the first double past LLONG_MAX */
			*ll = isfinite(*d) && *d >= 0 && *d < 9.2e18 &&
			      *d == floor(*d) ? (long long)*d : -1;
			return 1;
		}
	}
	return 0;
}

int exl_jsonl_match(const char *line, size_t len, struct exl_line_facts *out)
{
	static const char *const step_keys[] = { EXL_JSON_STEP_KEYS, NULL };
	static const char *const loss_keys[] = { EXL_JSON_LOSS_KEYS, NULL };
	static const char *const val_keys[] = { EXL_JSON_VAL_KEYS, NULL };
	json_object *o;
	long long ll;
	double d;

	memset(out, 0, sizeof(*out));
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || *line != '{' || len > EXL_LINE_MAX)
		return 0;
	o = exl_json_parse(line, len, "JSON line", NULL);
	if (!o)
		return 0;
	if (number(o, step_keys, &d, &ll) && ll >= 0) {
		out->have_step = 1;
		out->step = ll;
	}
	out->have_loss = number(o, loss_keys, &out->loss, &ll);
	out->have_val = number(o, val_keys, &out->val, &ll);
	json_object_put(o);
	return out->have_step || out->have_loss || out->have_val;
}
