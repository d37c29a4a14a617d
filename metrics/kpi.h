/*
 * Call-level KPIs over a set of calls: answer-seizure ratio (ASR) and
 * network effectiveness ratio (NER), after ITU-T E.425.
 */
#ifndef VQ_KPI_H
#define VQ_KPI_H

#include <stddef.h>
#include <stdint.h>

struct kpi_summary {
	uint64_t	attempts;	/* calls with a final response */
	uint64_t	answered;	/* 2xx */
	uint64_t	effective;	/* answered, or failed for the user's sake */
	double		asr_pct;	/* answered / attempts; -1 with no attempt */
	double		ner_pct;	/* effective / attempts; -1 with no attempt */
};

/*
 * Is this final response one E.425 counts as the network doing its job
 * (answered, busy, no answer, the user declined)?
 */
int	kpi_effective_code(int final_code);
/* Sum the final codes of n calls (0 = no final response, not an attempt). */
void	kpi_summarise(const int *final_codes, size_t n, struct kpi_summary *);
/* Count one more call into a summary (kpi_summarise of none to start). */
void	kpi_add(struct kpi_summary *, int final_code);

#endif /* VQ_KPI_H */
