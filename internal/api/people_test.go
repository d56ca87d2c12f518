package api

import (
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestAPIEnrolmentJourney runs enrolment through /api/v1 alone, as an HR
// system would: the administrator makes a coordinator, the coordinator
// shares the program and invites by CSV, people accept (with a new account
// and with an existing one) and join by link, fill in their profiles, and
// find their pair. Every step passes the conformance check as well.
func TestAPIEnrolmentJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
		cora := app.addUser("cora@example.org", "Cora", account.RoleMember, "en")
		app.addUser("known@example.org", "Kjell Known", account.RoleMember, "nb")
		admin := app.apiClient("admin@example.org")

		// Administrators: a new coordinator's account, a role change, the
		// outbox's envelopes paged without bodies.
		created := apiDecode[apiUser](t, admin.apiSend("POST", "/api/v1/users",
			map[string]string{"email": "new@example.org", "name": "Nina New", "language": "nb"}), http.StatusCreated)
		if created.Role != account.RoleCoordinator || created.Language != "nb" {
			t.Fatalf("created %+v", created)
		}
		pr := mustProblem(t, admin.apiSend("PUT", "/api/v1/users/"+httpx.Itoa(cora.ID)+"/role", map[string]string{"role": "king"}), http.StatusUnprocessableEntity)
		if pr.Errors["role"] == "" {
			t.Fatalf("role error names no field: %+v", pr)
		}
		u := apiDecode[apiUser](t, admin.apiSend("PUT", "/api/v1/users/"+httpx.Itoa(cora.ID)+"/role", map[string]string{"role": "coordinator"}), http.StatusOK)
		if u.Role != account.RoleCoordinator {
			t.Fatalf("role %q", u.Role)
		}
		users := apiDecode[httpx.Page[apiUser]](t, admin.get("/api/v1/users"), http.StatusOK).Items
		if len(users) != 4 {
			t.Fatalf("%d users", len(users))
		}
		page := apiDecode[httpx.Page[apiEnvelope]](t, admin.get("/api/v1/outbox?limit=1"), http.StatusOK)
		if len(page.Items) != 1 || page.Items[0].ToEmail != "new@example.org" || page.Next == nil {
			t.Fatalf("outbox page %+v", page)
		}
		if res := admin.get(*page.Next); strings.Contains(res.Body, "body") || res.StatusCode != http.StatusOK {
			t.Fatalf("next page: %d %s", res.StatusCode, res.Body)
		}
		mustProblem(t, admin.get("/api/v1/outbox?limit=0"), http.StatusUnprocessableEntity)

		coord := app.apiClient("cora@example.org")
		mustProblem(t, coord.get("/api/v1/users"), http.StatusForbidden)
		mustProblem(t, coord.get("/api/v1/outbox"), http.StatusForbidden)

		// The coordinator's program, its join link, a second coordinator.
		p := apiDecode[apiProgram](t, coord.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Autumn", "join_enabled": true}), http.StatusCreated)
		base := "/api/v1/programs/" + httpx.Itoa(p.ID)
		if !strings.HasPrefix(p.JoinURL, "http://mentorskap.test/join/") {
			t.Fatalf("join url %q", p.JoinURL)
		}
		cs := apiDecode[httpx.Page[apiCoordinator]](t, coord.apiSend("POST", base+"/coordinators", map[string]string{"email": "admin@example.org"}), http.StatusCreated).Items
		if len(cs) != 2 {
			t.Fatalf("coordinators %+v", cs)
		}
		coord.apiSend("DELETE", base+"/coordinators/"+httpx.Itoa(cs[0].UserID), nil).mustStatus(t, http.StatusNoContent)
		mustProblem(t, coord.apiSend("DELETE", base+"/coordinators/"+httpx.Itoa(cora.ID), nil), http.StatusConflict)

		// Invite by CSV: two good rows and one bad, reported by row.
		csv := "email;name;role\nmia@example.org;Mia Mentee;mentee\nknown@example.org;Kjell;mentor\nnot-an-address;X;mentee\n"
		res := coord.send("POST", base+"/invitations/upload", "text/csv", strings.NewReader(csv))
		rep := apiDecode[apiCSVReport](t, res, http.StatusOK)
		if rep.Rows != 3 || rep.Invited != 2 || len(rep.Problems) != 1 || rep.Problems[0].Row != 4 || rep.Problems[0].Problem == "" {
			t.Fatalf("report %+v", rep)
		}
		mustProblem(t, coord.send("POST", base+"/invitations/upload", "application/json", strings.NewReader("{}")), http.StatusUnsupportedMediaType)
		invs := apiDecode[httpx.Page[apiInvitation]](t, coord.get(base+"/invitations"), http.StatusOK).Items
		coord.apiSend("POST", base+"/invitations/"+httpx.Itoa(invs[0].ID)+"/resend", nil).mustStatus(t, http.StatusNoContent)

		// A new account accepts; a stranger's token is no key to someone
		// else's invitation; the known person accepts with their token.
		link, _ := app.invitationPath("mia@example.org")
		token := strings.TrimPrefix(link, "/invite/")
		anon := app.client()
		acc := apiDecode[apiAccepted](t, anon.apiSend("POST", "/api/v1/invitations/"+token+"/accept",
			map[string]string{"name": "Mia Mentee", "password": "password-mia@example.org", "language": "en", "timezone": "Europe/Oslo"}), http.StatusCreated)
		if acc.ProgramID != p.ID || !acc.NewAccount || acc.User.Email != "mia@example.org" {
			t.Fatalf("accepted %+v", acc)
		}
		mustProblem(t, anon.apiSend("POST", "/api/v1/invitations/"+token+"/accept", map[string]string{}), http.StatusNotFound)
		knownLink, _ := app.invitationPath("known@example.org")
		known := app.apiClient("known@example.org")
		acc = apiDecode[apiAccepted](t, known.apiSend("POST", "/api/v1/invitations/"+strings.TrimPrefix(knownLink, "/invite/")+"/accept",
			map[string]string{}), http.StatusCreated)
		if acc.NewAccount || acc.User.Email != "known@example.org" {
			t.Fatalf("accepted %+v", acc)
		}

		// Someone joins by the link with a new account.
		joinToken := p.JoinURL[strings.LastIndexByte(p.JoinURL, '/')+1:]
		acc = apiDecode[apiAccepted](t, app.client().apiSend("POST", "/api/v1/join/"+joinToken,
			map[string]string{"role": "mentee", "email": "jo@example.org", "name": "Jo Joiner", "password": "password-jo@example.org", "language": "sv", "timezone": "Europe/Stockholm"}), http.StatusCreated)
		if !acc.NewAccount || acc.User.Language != "sv" {
			t.Fatalf("joined %+v", acc)
		}
		mustProblem(t, app.client().apiSend("POST", "/api/v1/join/not-the-token", map[string]string{}), http.StatusNotFound)

		// Profiles: read, refused with the field named, saved.
		mia := app.apiClient("mia@example.org")
		prof := apiDecode[apiParticipant](t, mia.get(base+"/profile"), http.StatusOK)
		if prof.Role != "mentee" || prof.Status != "pending" {
			t.Fatalf("profile %+v", prof)
		}
		mustProblem(t, coord.get(base+"/profile"), http.StatusNotFound)
		in := profileInput{Languages: []string{"en", "nb"}, Location: "Bergen", OnlineOK: true, Field: "Health",
			Needs: "Leading a team", Availability: "Evenings", MeetingTimes: []string{"weekday_evening"},
			Wishes: apiWishes{SameField: true}}
		prof = apiDecode[apiParticipant](t, mia.apiSend("PUT", base+"/profile", in), http.StatusOK)
		if prof.Location != "Bergen" || !prof.Wishes.SameField || len(prof.Languages) != 2 {
			t.Fatalf("saved %+v", prof)
		}
		pr = mustProblem(t, mia.apiSend("PUT", base+"/profile", map[string]any{"capacity": "many"}), http.StatusUnprocessableEntity)
		if pr.Errors["capacity"] == "" {
			t.Fatalf("type error names no field: %+v", pr)
		}
		mustProblem(t, mia.apiSend("PUT", base+"/profile", "{not json"), http.StatusBadRequest)

		// Approved and paired by the coordinator, each side finds the pair.
		kjell := apiDecode[apiUser](t, known.get("/api/v1/me"), http.StatusOK)
		for _, id := range []int64{prof.UserID, kjell.ID} {
			coord.apiSend("POST", base+"/participants/"+httpx.Itoa(id)+"/approve", nil).mustStatus(t, http.StatusOK)
		}
		pair := apiDecode[apiPair](t, coord.apiSend("POST", base+"/pairs", map[string]any{"mentor_user_ids": []int64{kjell.ID}, "mentee_user_ids": []int64{prof.UserID}}), http.StatusCreated)
		mine := apiDecode[httpx.Page[apiMyPair]](t, mia.get("/api/v1/me/pairs"), http.StatusOK).Items
		if len(mine) != 1 || mine[0].PairID != pair.ID || mine[0].MyRole != "mentee" || mine[0].Mentors[0].Name != "Kjell Known" {
			t.Fatalf("my pairs %+v", mine)
		}
		if res := known.get("/api/v1/me/pairs"); strings.Contains(res.Body, "mia@example.org") {
			t.Fatalf("my pairs shows addresses: %s", res.Body)
		}

		// A new password ends every token, this one too.
		pr = mustProblem(t, mia.apiSend("PUT", "/api/v1/me/password", map[string]string{"current_password": "wrong", "new_password": "a-new-long-password"}), http.StatusUnprocessableEntity)
		if pr.Errors["current_password"] == "" {
			t.Fatalf("password error %+v", pr)
		}
		mia.apiSend("PUT", "/api/v1/me/password", map[string]string{"current_password": "password-mia@example.org", "new_password": "a-new-long-password"}).mustStatus(t, http.StatusNoContent)
		mustProblem(t, mia.get("/api/v1/me"), http.StatusUnauthorized)
	})
}
