package web

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestLaunchChecklist follows a new program from nothing to its first
// pair: the overview names the step to take now and links to its page; the
// empty pages say what is missing and do not offer what cannot work yet.
func TestLaunchChecklist(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
		c := app.login(coord.Email)
		prog := app.newProgramAs(coord, "Launch cohort")
		base := programPath(prog.ID)
		tr := func(key string, args ...any) string { return html.EscapeString(app.tr("en", key, args...)) }

		over := c.get(base)
		over.mustStatus(t, http.StatusOK)
		// All eight steps, in order.
		last := -1
		for _, k := range []string{"rules", "template", "plan", "invite", "approve", "match", "publish", "first_meetings"} {
			i := strings.Index(over.Body, tr("launch.step."+k))
			if i < last {
				t.Fatalf("step %s out of order", k)
			}
			last = i
		}
		over.mustContain(t, tr("launch.detail.rules.default"), tr("launch.detail.invite.none"),
			`aria-current="step"`, `href="`+base+`/invitations">`+tr("launch.do.invite"), tr("launch.detail.match.need_people"))
		// A blocked step is not a link.
		if strings.Contains(over.Body, `href="`+base+`/matching">`+tr("launch.step.match")) {
			t.Error("matching is offered before anyone is approved")
		}

		// Every empty page says what is missing and links to the step.
		for _, page := range []string{"/participants", "/matching", "/dashboard", "/analytics"} {
			res := c.get(base + page)
			res.mustStatus(t, http.StatusOK)
			res.mustContain(t, tr("launch.missing_title"), tr("launch.detail.invite.none"), `href="`+base+`/invitations"`)
		}
		if strings.Contains(c.get(base+"/matching").Body, base+"/matching/run") {
			t.Error("the matching page offers a run with nobody to match")
		}
		if strings.Contains(c.get(base+"/analytics").Body, "pairs.csv") {
			t.Error("the analytics page offers an export of nothing")
		}

		// Two approved people and a pending one: approvals are next.
		mentor := app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "en")
		mentee := app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "en")
		waiting := app.addUser("wait@example.org", "Walt Waiting", account.RoleMember, "en")
		app.enrol(prog.ID, mentor, "mentor", program.StatusApproved)
		app.enrol(prog.ID, mentee, "mentee", program.StatusApproved)
		app.enrol(prog.ID, waiting, "mentee", program.StatusPending)
		over = c.get(base)
		over.mustContain(t, tr("launch.detail.invite.joined", "total", 3),
			tr("launch.detail.approve.waiting", "count", 1, "total", 3), `href="`+base+`/participants?status=pending">`+tr("launch.do.approve"))
		c.get(base+"/matching").mustContain(t, base+"/matching/run")

		// A pair: publishing is done, first meetings are to do.
		if _, err := app.srv.Programs.CreatePair(t.Context(), coord, prog.ID, []int64{mentor.ID}, []int64{mentee.ID}); err != nil {
			t.Fatal(err)
		}
		over = c.get(base)
		over.mustContain(t, tr("launch.detail.publish.published", "count", 1),
			tr("launch.detail.first_meetings.some_met", "count", 0, "total", 1))
		if strings.Contains(c.get(base+"/dashboard").Body, tr("launch.missing_title")) {
			t.Error("the dashboard of a program with a pair says it has nothing to show")
		}
	})
}
