/*
 * Call-level KPIs, after ITU-T E.425 "Network management - Internal
 * automatic observations".
 *
 * ASR counts answered calls against every attempt that got a final answer.
 * NER also counts the failures that are the called user's doing - busy,
 * no answer, declined - because the network delivered the call; it is the
 * figure that moves when the network, not the user, fails.  Calls still
 * setting up when the capture ends are not attempts yet.
 */
#include "metrics/kpi.h"

/* Final responses that are the user's outcome, not the network's failure. */
static const int kpi_user_codes[] = {
	480,	/* Temporarily Unavailable: no answer */
	486,	/* Busy Here */
	487,	/* Request Terminated: the caller gave up while it rang */
	600,	/* Busy Everywhere */
	603,	/* Decline */
	0
};

int
kpi_effective_code(int final_code)
{
	size_t i;

	if (final_code >= 200 && final_code < 300)
		return 1;
	for (i = 0; kpi_user_codes[i] != 0; i++)
		if (kpi_user_codes[i] == final_code)
			return 1;
	return 0;
}

void
kpi_summarise(const int *final_codes, size_t n, struct kpi_summary *k)
{
	size_t i;

	k->attempts = k->answered = k->effective = 0;
	k->asr_pct = k->ner_pct = -1;
	for (i = 0; i < n; i++)
		kpi_add(k, final_codes[i]);
}

void
kpi_add(struct kpi_summary *k, int final_code)
{
	if (final_code < 200)
		return;
	k->attempts++;
	if (final_code < 300)
		k->answered++;
	if (kpi_effective_code(final_code))
		k->effective++;
	k->asr_pct = 100.0 * (double)k->answered / (double)k->attempts;
	k->ner_pct = 100.0 * (double)k->effective / (double)k->attempts;
}
