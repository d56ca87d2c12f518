package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFunderReportJourney: the demo's coordinator finds the report for
// funders from the program page by keyboard, chooses a period, and
// downloads the report as PDF, CSV and XLSX in the browser.
func TestFunderReportJourney(t *testing.T) {
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	b := newBrowser(t)
	login(t, b, s, coord.Email, password)
	programID := s.queryString(t, `SELECT MIN(id) FROM programs`)
	base := "/programs/" + programID
	lang := s.queryString(t, `SELECT language FROM users WHERE email = ?`, coord.Email)

	open(t, b, s, base, "main h1")
	press(t, b, `main a[href="`+base+`/report"]`)
	run(t, b, chromedp.WaitVisible(chromedp.CSS(`#report-from`)))
	mustSee(t, b, tr(t, lang, "report.title"), tr(t, lang, "report.people.enrolled.mentors"), tr(t, lang, "report.fewer", "n", "5"))
	mustNotSee(t, b, "Putu Wirawan", "Olena Kovalenko")
	shot(t, b, "report")
	checkPage(t, b, "report")

	// The page is in the reader's language; the files stay in the
	// program's.
	s.execSQL(t, `UPDATE users SET language = 'id' WHERE email = ?`, coord.Email)
	open(t, b, s, base+"/report", "#report-from")
	mustSee(t, b, tr(t, "id", "report.title"), tr(t, "id", "report.fewer", "n", "5"))
	shot(t, b, "report-id")

	// A period: the figures and the download links follow it.
	fill(t, b, "#report-from", "2020-01-01")
	submit(t, b, `main form.report-period button`)
	if href := eval[string](t, b, `document.querySelector('main a[href*="/report.pdf"]').getAttribute('href')`); !strings.Contains(href, "from=2020-01-01") {
		t.Errorf("the PDF link %q lost the chosen period", href)
	}

	type file struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
		Size   int    `json:"size"`
		Name   string `json:"name"`
	}
	for _, tc := range []struct {
		ext, typ, head string
	}{
		{"pdf", "application/pdf", "%PDF-"},
		{"csv", "text/csv", ""},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
	} {
		f := eval[file](t, b, `(async () => {
			const a = document.querySelector('main a[href*="/report.`+tc.ext+`"][download]');
			const r = await fetch(a.href, {credentials: 'same-origin'});
			const bytes = new Uint8Array(await r.arrayBuffer());
			return {status: r.status, type: r.headers.get('Content-Type') || '', head: String.fromCharCode(...bytes.slice(0, 5)),
				size: bytes.length, name: r.headers.get('Content-Disposition') || ''};
		})()`, chromedp.EvalAwaitPromise)
		if f.Status != 200 || !strings.HasPrefix(f.Type, tc.typ) || !strings.HasPrefix(f.Head, tc.head) || f.Size < 200 ||
			!strings.Contains(f.Name, "report-2020-01-01-") {
			t.Errorf("report %s: status %d, type %q, starts %q, %d bytes, %q", tc.ext, f.Status, f.Type, f.Head, f.Size, f.Name)
		}
	}
}
