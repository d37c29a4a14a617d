/*
 * HTML pages of the evidence report (see html.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe/output/html.h"

void
html_text(FILE *f, const char *p, size_t len, int keep_lines)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (keep_lines && c == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (keep_lines && c == '\n')
			fputc('\n', f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

void
html_str(FILE *f, const char *s)
{
	html_text(f, s, strlen(s), 0);
}

void
html_figure_cell(FILE *f, int have, double v, int decimals, int bad)
{
	if (!have) {
		fputs("<td class=\"n\">-</td>", f);
		return;
	}
	fprintf(f, "<td class=\"n%s\">%.*f</td>", bad ? " bad" : "", decimals,
	    v);
}

static const char css[] =
"body{font:14px/1.45 sans-serif;color:#1b1b1b;margin:24px auto;"
"max-width:980px;padding:0 16px}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
"border-bottom:1px solid #ccc;padding-bottom:3px}"
"table{border-collapse:collapse;margin:6px 0}"
"td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;"
"vertical-align:top}th{background:#f1f1f1}"
"td.n{text-align:right;font-variant-numeric:tabular-nums}"
".bad{color:#a40000;font-weight:bold}.ok{color:#176117}"
".meta{color:#555}#verdict{border:2px solid #999;padding:8px 14px;"
"background:#fafafa}#verdict.impaired{border-color:#a40000}"
"#verdict.clean{border-color:#176117}"
"pre{white-space:pre-wrap;word-break:break-all;font-size:12px;"
"background:#f7f7f7;padding:6px}"
"svg{display:block;margin:4px 0 12px}svg text{font:11px sans-serif}"
"polyline{fill:none}polyline.caller{stroke:#0b5cad}"
"polyline.callee{stroke:#c25400}circle.caller{fill:#0b5cad}"
"circle.callee{fill:#c25400}span.caller{color:#0b5cad}"
"span.callee{color:#c25400}"
"@media print{body{margin:0;max-width:none}a{color:inherit}"
"h2{break-after:avoid}svg,table{break-inside:avoid}}";

void
html_pair_cell(FILE *f, int have, double a, double b, int bad)
{
	if (!have) {
		fputs("<td class=\"n\">-</td>", f);
		return;
	}
	fprintf(f, "<td class=\"n%s\">%.2f / %.2f</td>", bad ? " bad" : "", a,
	    b);
}

void
html_page_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", f);
	html_str(f, title);
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n", css);
}

FILE *
html_page_open(const char *path, char *tmp, size_t size)
{
	snprintf(tmp, size, "%s.tmp", path);
	return fopen(tmp, "w");
}

int
html_page_close(FILE *f, const char *tmp, const char *path)
{
	int bad = ferror(f), saved;

	if (fclose(f) != 0)
		bad = 1;
	if (!bad && rename(tmp, path) == 0)
		return 0;
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

void
html_utc(double epoch_s, int with_date, char *buf, size_t size)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	if (epoch_s < 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "-");
	else if (with_date)
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, size, "%H:%M:%S", &tm);
}
