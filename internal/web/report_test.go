package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mentorskap/internal/account"
	"mentorskap/internal/demo"
	"mentorskap/internal/event"
	"mentorskap/internal/report"
	"mentorskap/internal/report/funder"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

func TestReportAccessMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	base := "/programs/" + pid(s.prog.ID)
	var paths, apiPaths []string
	for _, p := range []string{"/report", "/report.pdf", "/report.csv", "/report.xlsx", "/export/evaluations.csv", "/export/evaluations.xlsx"} {
		paths = append(paths, base+p)
		apiPaths = append(apiPaths, "/api/v1"+base+p)
	}
	anon := app.client()
	for _, p := range paths {
		if res := anon.get(p); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous %s: %d", p, res.StatusCode)
		}
	}
	for _, p := range apiPaths {
		mustProblem(t, anon.apiSend("GET", p, nil), http.StatusUnauthorized)
	}
	for _, tc := range []struct {
		who  *account.User
		want int
	}{
		{s.mentor, http.StatusForbidden},
		{s.mentee, http.StatusForbidden},
		{s.other, http.StatusForbidden},
		{s.alien, http.StatusNotFound},
		{s.coord, http.StatusOK},
		{s.admin, http.StatusOK},
	} {
		c := app.login(tc.who.Email)
		for _, p := range paths {
			if res := c.get(p); res.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.who.Email, p, res.StatusCode, tc.want)
			}
		}
		api := app.apiClient(tc.who.Email)
		for _, p := range apiPaths {
			if res := api.apiSend("GET", p, nil); res.StatusCode != tc.want {
				t.Errorf("API %s %s: %d, want %d", tc.who.Email, p, res.StatusCode, tc.want)
			}
		}
	}
	// The coordinator finds the report from the program, its dashboard
	// and its analytics.
	coord := app.login(s.coord.Email)
	for _, p := range []string{base, base + "/dashboard", base + "/analytics"} {
		coord.get(p).mustContain(t, `href="`+base+`/report"`)
	}
	coord.get(base+"/evaluations").mustContain(t, `href="`+base+`/export/evaluations.xlsx"`)
	// Every download leaves a trace in the audit log.
	var n int
	if err := app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE detail LIKE 'report.%' OR detail LIKE 'evaluations.%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("report downloads not in the audit log")
	}
}

// demoLogin signs in a demo account with the demo password.
func demoLogin(t *testing.T, app *testApp, email string) *client {
	t.Helper()
	c := app.client()
	if res := c.post("/login", url.Values{"email": {email}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, res.StatusCode)
	}
	return c
}

// TestReportDemo reads the demo program's report on the page, in the API
// and in the downloads, on both databases.
func TestReportDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var res *demo.Result
		if db.Dialect() == store.SQLite {
			db, res = demoSQLite(t)
		}
		app := newTestAppDB(t, db)
		if res == nil {
			var err error
			if res, err = demo.Seed(context.Background(), db, app.clock); err != nil {
				t.Fatal(err)
			}
		}
		var coordEmail string
		for _, l := range res.Logins {
			if l.Role == "coordinator" {
				coordEmail = l.Email
			}
		}
		// Read the page in English whatever the coordinator chose.
		if _, err := db.Exec(context.Background(), `UPDATE users SET language = 'en' WHERE email = ?`, coordEmail); err != nil {
			t.Fatal(err)
		}
		base := "/programs/" + pid(res.Program.ID)
		// The events contribute their section as main wires them.
		app.srv.ReportSources = []report.Source{(&event.Service{DB: db, Clock: app.clock, Bundle: app.bundle}).ReportTables}
		app.v1.ReportSources = app.srv.ReportSources
		c := demoLogin(t, app, coordEmail)

		page := c.get(base + "/report")
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, "<h1>Report for funders</h1>", `<th scope="row">Mentors enrolled</th><td>9</td>`,
			`<th scope="row">Pairs running</th><td>9</td>`, `<th scope="row">Ended by the mentee</th><td>fewer than 5</td>`,
			`<th scope="row">Pairs with 4 or more meetings</th><td>4</td>`, `role="img"`, `href="`+base+`/report.pdf"`,
			app.tr("en", "event.report.held_title"), `id="source-1-1"`)
		for _, name := range []string{"Putu", "Sofie Haugen", "Ahmad"} {
			if strings.Contains(page.Body, name) {
				t.Errorf("report page names %s", name)
			}
		}
		// A mistyped or backward period: the form again, with why.
		bad := c.get(base + "/report?from=2026-03-01&to=2026-02-01")
		bad.mustStatus(t, http.StatusUnprocessableEntity)
		bad.mustContain(t, "The last day comes before the first day.", `value="2026-03-01"`)
		c.get(base+"/report?from=soon").mustStatus(t, http.StatusUnprocessableEntity)
		// A chosen period is kept in the download links.
		c.get(base+"/report?from=2026-02-01&to=2026-02-28").mustContain(t, base+`/report.xlsx?from=2026-02-01&amp;to=2026-02-28`)

		// The API: the caller's language, totals as figures, suppressed
		// lines without their number.
		api := demoAPIClient(t, app, coordEmail)
		type line struct {
			Label      string `json:"label"`
			Count      *int   `json:"count"`
			Suppressed bool   `json:"suppressed"`
		}
		type result struct {
			StartsOn string `json:"starts_on"`
			Totals   struct {
				Enrolled   funder.Sides `json:"enrolled"`
				EndedEarly int          `json:"ended_early"`
			} `json:"totals"`
			Sections []struct {
				ID    string `json:"id"`
				Lines []line `json:"lines"`
			} `json:"sections"`
		}
		r := apiDecode[result](t, api.apiSend("GET", "/api/v1"+base+"/report", nil), http.StatusOK)
		if r.Totals.Enrolled.Mentors != 9 || r.Totals.EndedEarly != 2 || r.StartsOn == "" {
			t.Errorf("API totals %+v", r.Totals)
		}
		for _, s := range r.Sections {
			if s.ID == "endings" && (!s.Lines[0].Suppressed || s.Lines[0].Count != nil) {
				t.Errorf("API endings %+v", s.Lines)
			}
		}
		mustProblem(t, api.apiSend("GET", "/api/v1"+base+"/report?to=2020-01-01", nil), http.StatusUnprocessableEntity)

		// The files are in the program's language, Norwegian.
		x := api.apiSend("GET", "/api/v1"+base+"/report.xlsx", nil)
		x.mustStatus(t, http.StatusOK)
		if ct := x.Header.Get("Content-Type"); ct != funder.TypeXLSX {
			t.Errorf("XLSX content type %q", ct)
		}
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Rapport")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, row := range rows {
			if len(row) == 2 {
				got[row[0]] = row[1]
			}
		}
		if got["Mentorer påmeldt"] != "9" || got["Adepter godkjent"] != "9" || got["Avsluttet av adepten"] != "færre enn 5" {
			t.Errorf("XLSX %v", got)
		}

		csvRes := c.get(base + "/report.csv")
		csvRes.mustStatus(t, http.StatusOK)
		if ct := csvRes.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" ||
			!strings.Contains(csvRes.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("CSV headers %v", csvRes.Header)
		}
		recs, err := csv.NewReader(strings.NewReader(csvRes.Body)).ReadAll()
		if err != nil || len(recs) < 10 || recs[0][2] != "Antall" {
			t.Errorf("CSV %v %v", recs, err)
		}

		pdf := c.get(base + "/report.pdf")
		pdf.mustStatus(t, http.StatusOK)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("PDF content type %q", ct)
		}
		text := reportPDFText(t, []byte(pdf.Body))
		for _, want := range []string{"Rapport til finansiører", res.Program.Name, "Mentorer påmeldt 9", "Par i gang 9"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q: %s", want, text)
			}
		}

		// The evaluation results, pooled as the results page shows them.
		ev := c.get(base + "/export/evaluations.csv")
		ev.mustStatus(t, http.StatusOK)
		evRecs, err := csv.NewReader(strings.NewReader(ev.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rec := range evRecs {
			if rec[1] == "How well is your agreement working for you so far?" && rec[2] == "Average" {
				found = rec[3] == "10" && rec[4] == "4.40"
			}
		}
		if !found {
			t.Errorf("evaluation CSV lacks the follow-up average: %v", evRecs)
		}
		evx := c.get(base + "/export/evaluations.xlsx")
		if _, err := excelize.OpenReader(strings.NewReader(evx.Body)); err != nil || evx.Header.Get("Content-Type") != funder.TypeXLSX {
			t.Errorf("evaluation XLSX: %v %q", err, evx.Header.Get("Content-Type"))
		}
	})
}

func demoAPIClient(t *testing.T, app *testApp, email string) *client {
	t.Helper()
	c := app.client()
	res := c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": email, "password": demo.Password, "name": "test"})
	tok := apiDecode[map[string]string](t, res, http.StatusCreated)["token"]
	c.Header.Set("Authorization", "Bearer "+tok)
	return c
}

func reportPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testtool.Command(t, "pdftotext", testtool.Poppler)
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
