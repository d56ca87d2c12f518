package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/audit"
)

// Every route that names one pair, whether under the pair's own path or a
// program's (/programs/{id}/pairs/{pair}/end, the chemistry rematch, and
// their API twins), must be attributed to that pair by the audit
// middleware; and no other id in a program path may be taken for a pair.
// A new route of either kind fails here until pairInPath knows it.
func TestPairInPathCoversPairRoutes(t *testing.T) {
	t.Parallel()
	patterns := pageRoutes(t)
	for _, rt := range apiTable() {
		patterns = append(patterns, rt.Method+" "+rt.Pattern)
	}
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	const pair, other = "42", "7"
	checked := 0
	for _, pat := range patterns {
		path := pat
		if _, p, ok := strings.Cut(pat, " "); ok {
			path = p
		}
		if !strings.Contains(path, "{") {
			continue
		}
		want := int64(0)
		if strings.HasPrefix(path, "/pairs/{") || strings.HasPrefix(path, "/api/v1/pairs/{") {
			path = strings.Replace(path, "{", "{pair:", 1)
		}
		path = placeholder.ReplaceAllStringFunc(path, func(ph string) string {
			switch {
			case ph == "{$}":
				return ""
			case ph == "{pair}" || ph == "{pairID}" || strings.HasPrefix(ph, "{pair:"):
				want = 42
				return pair
			case strings.HasSuffix(ph, "...}"):
				return "a/b"
			}
			return other
		})
		if got := pairInPath(path); got != want {
			t.Errorf("%s: pairInPath(%q) = %d, want %d", pat, path, got, want)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d routes with parameters found; is the route list read?", checked)
	}
}

// A coordinator ending a pair from the program's pair list reaches that
// pair: the members see it in their access log and the administrator in
// the audit log. A coordinator ending a pair they are in themselves leaves
// no row, as members' own actions never do.
func TestAuditProgramPairEnd(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app
	ctx := context.Background()

	// The coordinator mentors a pair of their own in the program.
	app.enrol(f.prog.ID, f.coord, "mentor", "approved")
	own, err := app.srv.Programs.CreatePair(ctx, f.coord, f.prog.ID, []int64{f.coord.ID}, []int64{f.other.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.cCoord.post(fmt.Sprintf("/programs/%d/pairs/%d/end", f.prog.ID, own.ID), nil).mustStatus(t, http.StatusSeeOther)
	if n := auditRows(t, app, f.coord.ID, audit.ActionPairChange); n != 0 {
		t.Fatalf("a coordinator ending their own pair wrote %d rows", n)
	}

	end := fmt.Sprintf("/programs/%d/pairs/%d/end", f.prog.ID, f.pair.ID)
	f.cCoord.post(end, nil).mustStatus(t, http.StatusSeeOther)
	var pairID, programID int64
	var detail string
	if err := app.db.QueryRow(ctx, `SELECT pair_id, program_id, detail FROM audit_log WHERE actor_id = ? AND action = ?`,
		f.coord.ID, audit.ActionPairChange).Scan(&pairID, &programID, &detail); err != nil {
		t.Fatalf("the coordinator's ending was not recorded: %v", err)
	}
	if pairID != f.pair.ID || programID != f.prog.ID || detail != "POST "+end {
		t.Fatalf("recorded pair %d program %d detail %q", pairID, programID, detail)
	}
	// Another program's coordinator is refused and leaves no row.
	f.cOtherCoord.post(end, nil).mustStatus(t, http.StatusNotFound)
	if n := auditRows(t, app, f.otherCoord.ID, audit.ActionPairChange); n != 0 {
		t.Fatalf("a refused ending wrote %d rows", n)
	}

	changed := app.bundle.Locale("nb").T("audit.action." + audit.ActionPairChange)
	for _, c := range []*client{f.cMentor, f.cMentee} {
		c.get("/profile/access-log").mustContain(t, f.coord.Name, `href="/pairs/`+pid(f.pair.ID)+`"`)
	}
	f.cMentor.get("/profile/access-log").mustContain(t, changed)
	// The coordinator's partner in their own pair sees nothing: the
	// ending of that pair was a member's own action.
	if strings.Contains(f.cOther.get("/profile/access-log").Body, f.coord.Name) {
		t.Fatal("a member's own action shows in the partner's access log")
	}
	f.cAdmin.get("/admin/audit?pair="+pid(f.pair.ID)).mustContain(t, f.coord.Name, end)
}

// The API's program-level pair actions are recorded the same way: the
// administrator ending a pair, and a coordinator's rematch after a
// chemistry concern.
func TestAuditProgramPairAPI(t *testing.T) {
	t.Parallel()
	t.Run("end", func(t *testing.T) {
		f := newEndingFixture(t)
		admin := f.app.apiClient(f.admin.Email)
		path := fmt.Sprintf("/api/v1/programs/%d/pairs/%d/end", f.prog.ID, f.pair.ID)
		admin.apiSend("POST", path, nil).mustStatus(t, http.StatusOK)
		if n := auditRows(t, f.app, f.admin.ID, audit.ActionPairChange); n != 1 {
			t.Fatalf("API ending wrote %d rows, want 1", n)
		}
		var list struct{ Items []apiAuditEntry }
		res := f.app.apiClient(f.mentee.Email).get("/api/v1/me/access-log")
		res.mustStatus(t, http.StatusOK)
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 || list.Items[0].PairID != f.pair.ID || list.Items[0].ActorID != f.admin.ID ||
			list.Items[0].Detail != "POST "+path {
			t.Fatalf("mentee's access log: %+v", list.Items)
		}
	})
	t.Run("rematch", func(t *testing.T) {
		app := newTestApp(t)
		s := newChemScene(t, app)
		app.chemMeet(s.pair.ID)
		if err := app.srv.Evals.AnswerChemistry(context.Background(), s.mentee, s.pair.ID, "no", ""); err != nil {
			t.Fatal(err)
		}
		coord := app.apiClient(s.coord.Email)
		path := fmt.Sprintf("/api/v1/programs/%d/chemistry/%d/rematch", s.prog.ID, s.pair.ID)
		if res := coord.apiSend("POST", path, nil); res.StatusCode >= 300 {
			t.Fatalf("rematch: %d %s", res.StatusCode, res.Body)
		}
		var pairID int64
		if err := app.db.QueryRow(context.Background(), `SELECT pair_id FROM audit_log WHERE actor_id = ? AND action = ?`,
			s.coord.ID, audit.ActionPairChange).Scan(&pairID); err != nil || pairID != s.pair.ID {
			t.Fatalf("rematch recorded for pair %d: %v", pairID, err)
		}
		app.login(s.mentor.Email).get("/profile/access-log").mustContain(t, s.coord.Name, fmt.Sprintf(`href="/pairs/%d"`, s.pair.ID))
		app.login(s.admin.Email).get("/admin/audit?pair="+pid(s.pair.ID)).mustContain(t, s.coord.Name, path)
	})
}

// The meeting read with the session is the one a page under it is about,
// and nothing else: not the meeting's own page, nor an id of another kind.
func TestMeetingUnderPath(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]int64{
		"/pairs/4/meetings/9/notes":      9,
		"/pairs/4/meetings/9/agenda":     9,
		"/pairs/4/meetings/9/change":     9,
		"/pairs/4/meetings/9":            0,
		"/pairs/4/meetings/9/":           0,
		"/pairs/4/meetings":              0,
		"/pairs/4/goals/9/edit":          0,
		"/pairs/4/meetings/x/notes":      0,
		"/pairs/4/meetings/-9/notes":     0,
		"/programs/4/meetings/9/notes":   0,
		"/api/v1/pairs/4/meetings/9/ics": 0,
	} {
		if got := meetingUnderPath(path); got != want {
			t.Errorf("meetingUnderPath(%q) = %d, want %d", path, got, want)
		}
	}
}
