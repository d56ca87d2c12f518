package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestConfirmBeforeHarm walks every destructive coordinator action: the
// list offers a link, not a button that acts; the link's page says what
// will happen and who is told and changes nothing; only its form acts.
func TestConfirmBeforeHarm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		s := newScene(t, app, "Confirm cohort", "nb")
		ctx := context.Background()
		coord := app.login(s.coord.Email)
		alien := app.login(s.alien.Email)
		base := programPath(s.prog.ID)
		pairEnd := base + "/pairs/" + pid(s.pair.ID) + "/end"
		tr := func(key string, args ...any) string { return html.EscapeString(app.tr("en", key, args...)) }

		// Ending a pair: the list links to the page, the page names both
		// people and the emails, and nothing has ended yet.
		list := coord.get(base + "/pairs")
		list.mustStatus(t, http.StatusOK)
		list.mustContain(t, `href="`+pairEnd+`"`)
		if strings.Contains(list.Body, `action="`+pairEnd+`"`) {
			t.Error("the pair list still ends a pair in one click")
		}
		page := coord.get(pairEnd)
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, tr("confirm.end.title"), tr("confirm.end.happens_meetings"),
			tr("confirm.end.told", "names", "Max Mentor, Mia Mentee"), `action="`+pairEnd+`"`, `name="return"`)
		if st := app.scalar(`SELECT status FROM pairs WHERE id = ?`, s.pair.ID); st != program.PairActive {
			t.Fatalf("showing the confirmation changed the pair: %s", st)
		}
		alien.get(pairEnd).mustStatus(t, http.StatusNotFound)
		coord.post(pairEnd, url.Values{"return": {"1"}}).mustStatus(t, http.StatusSeeOther)
		if st := app.scalar(`SELECT status FROM pairs WHERE id = ?`, s.pair.ID); st != program.PairEnded {
			t.Fatalf("confirmed ending left the pair %s", st)
		}
		// An ended pair has nothing left to confirm.
		coord.get(pairEnd).mustStatus(t, http.StatusConflict)

		// Declining: only a waiting application has the link; an approved
		// participant has none, and their confirmation page refuses.
		pending := app.addUser("pending@example.org", "Pia Pending", account.RoleMember, "sv")
		app.enrol(s.prog.ID, pending, "mentee", program.StatusPending)
		declinePending := base + "/participants/" + pid(pending.ID) + "/decline"
		parts := coord.get(base + "/participants")
		parts.mustContain(t, `href="`+declinePending+`"`)
		if strings.Contains(parts.Body, base+"/participants/"+pid(s.other.ID)+"/decline") {
			t.Error("an approved participant is offered a decline button")
		}
		coord.get(base+"/participants/"+pid(s.other.ID)+"/decline").mustStatus(t, http.StatusConflict)
		page = coord.get(declinePending)
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, tr("confirm.decline.title"), "Pia Pending", tr("confirm.decline.told", "name", "Pia Pending"))
		coord.post(declinePending, nil).mustStatus(t, http.StatusSeeOther)
		if st := app.scalar(`SELECT status FROM participants WHERE user_id = ?`, pending.ID); st != program.StatusDeclined {
			t.Fatalf("declined: %s", st)
		}

		// Revoking an invitation.
		inv, err := app.srv.Programs.Invite(ctx, s.coord, s.prog.ID, program.NewInvitation{Email: "new@example.org", Name: "Nina New"})
		if err != nil {
			t.Fatal(err)
		}
		revoke := base + "/invitations/" + pid(inv.ID) + "/revoke"
		coord.get(base+"/invitations").mustContain(t, `href="`+revoke+`"`)
		page = coord.get(revoke)
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, tr("confirm.revoke.title"), "new@example.org", tr("confirm.revoke.told"))
		alien.get(revoke).mustStatus(t, http.StatusNotFound)
		coord.post(revoke, nil).mustStatus(t, http.StatusSeeOther)
		coord.get(revoke).mustStatus(t, http.StatusConflict)

		// Removing an evaluation question: the editor links to the page,
		// which carries the check point and language back.
		coord.post(base+"/evaluations/questions", url.Values{"kind": {"followup"}, "lang": {"en"}, "type": {"text"},
			"prompt": {"Anything else?"}}).mustStatus(t, http.StatusSeeOther)
		qs, err := evaluation.ListQuestions(ctx, db, s.prog.ID, evaluation.KindFollowup)
		if err != nil || len(qs) == 0 {
			t.Fatalf("questions %v %v", qs, err)
		}
		qPath := base + "/evaluations/questions/" + pid(qs[0].ID) + "/remove"
		coord.get(base+"/evaluations/questions?kind=followup&lang=en").mustContain(t, `href="`+qPath+`?kind=followup&amp;lang=en"`)
		page = coord.get(qPath + "?kind=followup&lang=en")
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, tr("confirm.question.title"), html.EscapeString(qs[0].In("en").Prompt), `name="kind" value="followup"`)
		alien.get(qPath+"?kind=followup").mustStatus(t, http.StatusNotFound)
		coord.post(qPath, url.Values{"kind": {"followup"}, "lang": {"en"}}).mustStatus(t, http.StatusSeeOther)
		coord.get(qPath+"?kind=followup").mustStatus(t, http.StatusNotFound)

		// Removing a coordinator: never the last one; a second one can go.
		coordPath := base + "/coordinators/" + pid(s.coord.ID) + "/remove"
		coord.get(coordPath).mustStatus(t, http.StatusConflict)
		coord.post(coordPath, nil).mustStatus(t, http.StatusConflict)
		if strings.Contains(coord.get(base).Body, coordPath) {
			t.Error("the only coordinator is offered removal")
		}
		coord.post(base+"/coordinators", url.Values{"email": {s.alien.Email}}).mustStatus(t, http.StatusSeeOther)
		alienPath := base + "/coordinators/" + pid(s.alien.ID) + "/remove"
		coord.get(base).mustContain(t, `href="`+alienPath+`"`)
		page = coord.get(alienPath)
		page.mustStatus(t, http.StatusOK)
		page.mustContain(t, tr("confirm.coordinator.title"), tr("confirm.coordinator.happens", "name", "Al Alien"))
		app.login(s.mentee.Email).post(alienPath, nil).mustStatus(t, http.StatusForbidden)
		coord.post(alienPath, nil).mustStatus(t, http.StatusSeeOther)
		alien.get(base).mustStatus(t, http.StatusNotFound)
	})
}
