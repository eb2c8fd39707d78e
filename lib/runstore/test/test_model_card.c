/* Unit tests: the README.md model-card skeleton. */
#include <stdlib.h>
#include <string.h>

#include "runstore/model_card.h"
#include "tap.h"

int main(void)
{
	static const char *text =
		"# train — front cam\n\n## Mode\n- run_type: experiment\n"
		"- objective: does the front camera suffice\n\n"
		"## Config\n- config: `configs/a.yaml`\n- key settings: lr 1e-3\n\n"
		"## Status\n"
		"- 2026-03-11 16:00 — running, step 10, train_loss 2.5, val_loss 2.6\n"
		"- 2026-03-11 17:00 — running, step 20, train_loss 1.5, val_loss 1.7\n"
		"## Results\n- final step: 20\n- end_val_loss: `1.65`\n"
		"- loss_one_liner: steady decline\n\n"
		"## W&B\n- synced: `https://wandb.ai/t/p/runs/x`\n";
	struct exl_doc d;
	struct exl_err err;
	char *card;

	ok(exl_doc_parse(&d, text, &err) == 0, "parse");
	card = exl_model_card(&d);
	ok(card != NULL, "card");
	ok(strncmp(card, "# train — front cam\n\ndoes the front camera suffice\n", 50) == 0,
	   "title and objective");
	ok(strstr(card, "- run type: experiment\n- final step: 20\n") != NULL,
	   "training facts");
	ok(strstr(card, "- config: `configs/a.yaml`\n- key settings: lr 1e-3\n") != NULL,
	   "config bullets");
	ok(strstr(card, "| start | 2.5 | 2.6 |\n| end | 1.5 | 1.65 |\n") != NULL,
	   "loss table: Status, Results override");
	ok(strstr(card, "steady decline") != NULL, "one-liner");
	ok(strstr(card, "https://wandb.ai/t/p/runs/x") != NULL, "W&B link");
	ok(strstr(card, "## Usage\n") != NULL, "usage section to fill in");
	free(card);
	exl_doc_free(&d);
	ok(exl_doc_parse(&d, "", &err) == 0 && (card = exl_model_card(&d)) &&
	   strstr(card, "# model\n") && strstr(card, "| start | n/a | n/a |"),
	   "an empty log still gives a skeleton");
	free(card);
	exl_doc_free(&d);
	return done_testing();
}
