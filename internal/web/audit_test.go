package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"mentorskap/internal/audit"
	"mentorskap/internal/httpx"
)

// auditRows counts the log's rows for an actor and action.
func auditRows(t *testing.T, app *testApp, actorID int64, action string) int {
	t.Helper()
	var n int
	if err := app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = ?`,
		actorID, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAuditPairAccess(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app

	// Members reading their own pair leave no trace.
	f.cMentor.get(f.pairPath).mustStatus(t, http.StatusOK)
	f.cMentee.get("/api/v1/pairs/"+pid(f.pair.ID)+"/meetings").mustStatus(t, http.StatusOK)
	var total int
	app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&total)
	if total != 0 {
		t.Fatalf("members' own reads wrote %d audit rows", total)
	}

	// Refused visitors saw nothing, so nothing is logged for them either.
	f.cOther.get(f.pairPath).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.get(f.pairPath).mustStatus(t, http.StatusNotFound)
	if n := auditRows(t, app, f.other.ID, audit.ActionPairView) + auditRows(t, app, f.otherCoord.ID, audit.ActionPairView); n != 0 {
		t.Fatalf("refused visits wrote %d rows", n)
	}

	// The coordinator opening the pair writes exactly one row.
	f.cCoord.get(f.pairPath).mustStatus(t, http.StatusOK)
	if n := auditRows(t, app, f.coord.ID, audit.ActionPairView); n != 1 {
		t.Fatalf("coordinator visit wrote %d rows, want 1", n)
	}
	f.cAdmin.get("/api/v1/pairs/"+pid(f.pair.ID)+"/home").mustStatus(t, http.StatusOK)
	if n := auditRows(t, app, f.admin.ID, audit.ActionPairView); n != 1 {
		t.Fatalf("administrator visit wrote %d rows, want 1", n)
	}

	// The administrator reads the log, page and API, filtered by pair.
	res := f.cAdmin.get("/admin/audit?pair=" + pid(f.pair.ID))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.coord.Name, "/pairs/"+pid(f.pair.ID))
	var list struct{ Items []apiAuditEntry }
	res = f.cAdmin.get("/api/v1/audit?actor=" + pid(f.coord.ID))
	res.mustStatus(t, http.StatusOK)
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].PairID != f.pair.ID || list.Items[0].Action != audit.ActionPairView {
		t.Fatalf("admin API filtered by actor: %+v", list.Items)
	}

	// Both members see who looked; the other participant sees nothing.
	for _, c := range []*client{f.cMentor, f.cMentee} {
		res := c.get("/profile/access-log")
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, f.coord.Name, f.admin.Name)
		res = c.get("/api/v1/me/access-log")
		res.mustStatus(t, http.StatusOK)
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 {
			t.Fatalf("member access log has %d entries, want 2: %s", len(list.Items), res.Body)
		}
	}
	res = f.cOther.get("/profile/access-log")
	res.mustStatus(t, http.StatusOK)
	if strings.Contains(res.Body, f.coord.Name) {
		t.Fatal("another participant sees the pair's access log")
	}

	// Nobody but administrators reads the whole log.
	for _, c := range []*client{f.cMentor, f.cMentee, f.cOther, f.cCoord, f.cOtherCoord} {
		c.get("/admin/audit").mustStatus(t, http.StatusForbidden)
		c.get("/api/v1/audit").mustStatus(t, http.StatusForbidden)
	}
	if res := f.anon.get("/admin/audit"); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous /admin/audit: %d", res.StatusCode)
	}
	f.anon.get("/api/v1/audit").mustStatus(t, http.StatusUnauthorized)
	f.anon.get("/api/v1/me/access-log").mustStatus(t, http.StatusUnauthorized)
}

// TestAuditExport drives the middleware with a file download: a CSV or JSON
// attachment is an export, a calendar file is not.
func TestAuditExport(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app
	serve := func(ct, path string) {
		h := app.srv.auditAccess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Header().Set("Content-Disposition", `attachment; filename="x"`)
			w.Write([]byte("a,b\n"))
		}))
		r := httptest.NewRequest("GET", path, nil)
		r = httpx.WithUser(r, f.coord)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	serve("text/calendar; charset=utf-8", "/calendar/x.ics")
	if n := auditRows(t, app, f.coord.ID, audit.ActionExport); n != 0 {
		t.Fatalf("calendar download logged as export (%d rows)", n)
	}
	serve("text/csv; charset=utf-8", "/api/v1/programs/"+pid(f.prog.ID)+"/analytics/pairs.csv")
	if n := auditRows(t, app, f.coord.ID, audit.ActionExport); n != 1 {
		t.Fatalf("CSV export wrote %d rows, want 1", n)
	}
	var prog int64
	app.db.QueryRow(context.Background(), `SELECT program_id FROM audit_log WHERE action = 'export'`).Scan(&prog)
	if prog != f.prog.ID {
		t.Fatalf("export logged for program %d, want %d", prog, f.prog.ID)
	}
	f.cAdmin.get("/admin/audit?action=export").mustContain(t, "pairs.csv", f.coord.Name)
}

// TestAuditSurvivesHangUp: a coordinator's client that disconnects while
// the pair page is being sent has still been shown the page, so the access
// is logged even though the request's context is cancelled by then.
func TestAuditSurvivesHangUp(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	h := f.app.srv.auditAccess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("the pair's page"))
		cancel() // the client hangs up
	}))
	r := httptest.NewRequestWithContext(ctx, "GET", f.pairPath, nil)
	h.ServeHTTP(httptest.NewRecorder(), httpx.WithUser(r, f.coord))
	if n := auditRows(t, f.app, f.coord.ID, audit.ActionPairView); n != 1 {
		t.Fatalf("hung-up visit wrote %d audit rows, want 1", n)
	}
}

// TestAuditExportsEndToEnd: the program's CSV exports and a person's data
// download each leave exactly one row, whoever wrote it.
func TestAuditExportsEndToEnd(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app
	f.cCoord.get("/programs/"+pid(f.prog.ID)+"/export/pairs.csv").mustStatus(t, http.StatusOK)
	f.cAdmin.get("/api/v1/programs/"+pid(f.prog.ID)+"/export/meetings.csv").mustStatus(t, http.StatusOK)
	if n := auditRows(t, app, f.coord.ID, audit.ActionExport); n != 1 {
		t.Fatalf("coordinator CSV export wrote %d rows, want 1", n)
	}
	if n := auditRows(t, app, f.admin.ID, audit.ActionExport); n != 1 {
		t.Fatalf("administrator CSV export wrote %d rows, want 1", n)
	}
	f.cOtherCoord.get("/programs/"+pid(f.prog.ID)+"/export/pairs.csv").mustStatus(t, http.StatusNotFound)
	if n := auditRows(t, app, f.otherCoord.ID, audit.ActionExport); n != 0 {
		t.Fatalf("refused export wrote %d rows", n)
	}
	f.cMentee.get("/profile/data/download").mustStatus(t, http.StatusOK)
	if n := auditRows(t, app, f.mentee.ID, audit.ActionExport); n != 1 {
		t.Fatalf("data download wrote %d rows, want 1", n)
	}
	f.cAdmin.get("/admin/audit?action=export").mustContain(t, "pairs.csv", "meetings.csv", f.mentee.Name)
}
