package program

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

var inviteLink = regexp.MustCompile(`http://mentorskap\.test/invite/([A-Za-z0-9_-]+)`)

// mail is one queued email.
type mail struct{ lang, subject, body string }

func (e *progEnv) mails(to string) []mail {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT language, subject, body FROM outbox WHERE to_email = ? ORDER BY id`, to)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []mail
	for rows.Next() {
		var m mail
		if err := rows.Scan(&m.lang, &m.subject, &m.body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// lastToken is the invitation token in the latest email to an address.
func (e *progEnv) lastToken(to string) string {
	e.t.Helper()
	ms := e.mails(to)
	if len(ms) == 0 {
		e.t.Fatalf("no email to %s", to)
	}
	m := inviteLink.FindStringSubmatch(ms[len(ms)-1].body)
	if m == nil {
		e.t.Fatalf("no invitation link in %q", ms[len(ms)-1].body)
	}
	return m[1]
}

func newAccount(name string) Acceptance {
	return Acceptance{Role: "mentee", Account: account.NewUser{Name: name, Password: "a-good-long-password"}}
}

func TestInviteAndAccept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "nb")
		prog := e.program(coord)

		inv, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: " Sara@Example.org ", Name: "Sara", Role: "choose", Language: "sv"})
		if err != nil {
			t.Fatal(err)
		}
		if inv.Email != "sara@example.org" || inv.Role != "" || inv.Status(e.clk.Now()) != InviteOpen {
			t.Fatalf("invitation %+v", inv)
		}
		ms := e.mails("sara@example.org")
		if len(ms) != 1 || ms[0].lang != "sv" || !strings.Contains(ms[0].subject, prog.Name) || !strings.Contains(ms[0].body, "Hej Sara") {
			t.Fatalf("invitation email %+v", ms)
		}
		token := e.lastToken("sara@example.org")
		if n := e.count(`SELECT COUNT(*) FROM invitations WHERE token_hash = ?`, token); n != 0 {
			t.Fatal("the token itself must not be stored")
		}

		offer, err := e.svc.InvitationOffer(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if offer.Program.ID != prog.ID || offer.Email != "sara@example.org" || offer.Language != "sv" || offer.Role != "" {
			t.Fatalf("offer %+v", offer)
		}

		// The invitee must pick a role; nothing is used up meanwhile.
		_, err = e.svc.AcceptInvitation(ctx, nil, token, Acceptance{Account: account.NewUser{Name: "Sara", Password: "a-good-long-password"}})
		wantField(t, err, "role", "enrol.error.role_required")
		if e.count(`SELECT COUNT(*) FROM users`) != 1 || e.count(`SELECT COUNT(*) FROM invitations WHERE used_at IS NULL`) != 1 {
			t.Fatal("a refused acceptance changed something")
		}

		acc, err := e.svc.AcceptInvitation(ctx, nil, token, newAccount("Sara Svensson"))
		if err != nil {
			t.Fatal(err)
		}
		if acc.Session == "" || acc.User.Email != "sara@example.org" || acc.User.Language != "sv" || acc.ProgramID != prog.ID {
			t.Fatalf("accepted %+v / %+v", acc, acc.User)
		}
		part, err := GetParticipant(ctx, db, prog.ID, acc.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if part.Role != "mentee" || part.Status != StatusPending {
			t.Fatalf("participant %+v", part)
		}
		if n := e.count(`SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL AND used_by = ?`, acc.User.ID); n != 1 {
			t.Fatal("invitation not marked used")
		}
		if n := e.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, acc.User.ID); n != 1 {
			t.Fatal("no session opened")
		}
		// The coordinator hears about it in their own language.
		cm := e.mails(coord.Email)
		if len(cm) != 1 || cm[0].lang != "nb" || !strings.Contains(cm[0].body, "Sara Svensson") || !strings.Contains(cm[0].body, "adept") {
			t.Fatalf("coordinator email %+v", cm)
		}

		// Single use.
		_, err = e.svc.AcceptInvitation(ctx, nil, token, newAccount("Someone Else"))
		wantKind(t, err, errs.NotFound)
		if e, _ := errs.As(err); e.Key != "enrol.error.invitation_used" {
			t.Fatalf("key %s", e.Key)
		}
		_, err = e.svc.InvitationOffer(ctx, token)
		wantKind(t, err, errs.NotFound)
		if e.count(`SELECT COUNT(*) FROM users`) != 2 || e.count(`SELECT COUNT(*) FROM participants`) != 1 {
			t.Fatal("a used invitation changed something")
		}
	})
}

func TestInvitationExpiresRevokesAndResends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)

		inv, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "old@example.org", Role: "mentor"})
		if err != nil {
			t.Fatal(err)
		}
		if ms := e.mails("old@example.org"); ms[0].lang != "nb" {
			t.Fatalf("no language given: the program's (nb) is used, got %s", ms[0].lang)
		}
		token := e.lastToken("old@example.org")
		e.clk.Advance(InvitationTTL + time.Minute)
		_, err = e.svc.AcceptInvitation(ctx, nil, token, newAccount("Old"))
		if ee, _ := errs.As(err); ee == nil || ee.Key != "enrol.error.invitation_expired" {
			t.Fatalf("expired: %v", err)
		}
		if e.count(`SELECT COUNT(*) FROM users`) != 1 || e.count(`SELECT COUNT(*) FROM participants`) != 0 {
			t.Fatal("an expired invitation changed something")
		}
		list, err := e.svc.Invitations(ctx, coord, prog.ID)
		if err != nil || len(list) != 1 || list[0].Status(e.clk.Now()) != InviteExpired {
			t.Fatalf("list %+v %v", list, err)
		}
		// An expired invitation does not block a new one.
		if _, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "old@example.org"}); err != nil {
			t.Fatal(err)
		}

		// Resending gives a new working link and kills the old one.
		if err := e.svc.ResendInvitation(ctx, coord, prog.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		fresh := e.lastToken("old@example.org")
		if fresh == token {
			t.Fatal("resend reused the token")
		}
		if _, err := e.svc.InvitationOffer(ctx, token); err == nil {
			t.Fatal("old link still works")
		}
		if o, err := e.svc.InvitationOffer(ctx, fresh); err != nil || o.Role != "mentor" {
			t.Fatalf("fresh link: %+v %v", o, err)
		}

		// Revoked: the link answers clearly and changes nothing.
		if err := e.svc.RevokeInvitation(ctx, coord, prog.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AcceptInvitation(ctx, nil, fresh, newAccount("Old"))
		if ee, _ := errs.As(err); ee == nil || ee.Key != "enrol.error.invitation_revoked" {
			t.Fatalf("revoked: %v", err)
		}
		wantKind(t, e.svc.RevokeInvitation(ctx, coord, prog.ID, inv.ID), errs.NotFound)
		wantKind(t, e.svc.ResendInvitation(ctx, coord, prog.ID, inv.ID), errs.NotFound)
		_, err = e.svc.AcceptInvitation(ctx, nil, "no-such-token", newAccount("X"))
		wantKind(t, err, errs.NotFound)
		if e.count(`SELECT COUNT(*) FROM users`) != 1 {
			t.Fatal("refused acceptances created accounts")
		}
	})
}

func TestInviteRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		other := e.user(account.RoleCoordinator, "en")
		otherProg := e.program(other)
		mentee := e.user(account.RoleMember, "en")
		e.participant(prog.ID, mentee, "mentee", StatusApproved, 1)

		_, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: mentee.Email})
		if ee, _ := errs.As(err); ee == nil || ee.Kind != errs.Conflict || ee.Fields["email"].Key != "enrol.error.already_participant" {
			t.Fatalf("already participant: %v", err)
		}
		if _, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "new@example.org"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "NEW@example.org"})
		if ee, _ := errs.As(err); ee == nil || ee.Fields["email"].Key != "enrol.error.already_invited" {
			t.Fatalf("already invited: %v", err)
		}
		_, err = e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "not an email"})
		wantField(t, err, "email", "error.email_invalid")
		_, err = e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "a@example.org", Role: "boss"})
		wantField(t, err, "role", "enrol.error.role_unknown")
		_, err = e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "a@example.org", Language: "de"})
		wantField(t, err, "language", "enrol.error.language_unknown")
		_, err = e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "a@example.org", Name: strings.Repeat("x", account.MaxName+1)})
		wantField(t, err, "name", "error.too_long")

		// Authorization: a mentee, another program's coordinator, nobody.
		_, err = e.svc.Invite(ctx, mentee, prog.ID, NewInvitation{Email: "b@example.org"})
		wantKind(t, err, errs.Forbidden)
		_, err = e.svc.Invite(ctx, other, prog.ID, NewInvitation{Email: "b@example.org"})
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.Invitations(ctx, other, prog.ID)
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.Invitations(ctx, mentee, prog.ID)
		wantKind(t, err, errs.Forbidden)
		list, _ := e.svc.Invitations(ctx, coord, prog.ID)
		wantKind(t, e.svc.RevokeInvitation(ctx, other, prog.ID, list[0].ID), errs.NotFound)
		// An invitation id from this program is unknown in the other one.
		wantKind(t, e.svc.RevokeInvitation(ctx, other, otherProg.ID, list[0].ID), errs.NotFound)
		wantKind(t, e.svc.ResendInvitation(ctx, mentee, prog.ID, list[0].ID), errs.Forbidden)

		if n := e.count(`SELECT COUNT(*) FROM invitations`); n != 1 {
			t.Fatalf("%d invitations, want 1", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM invitations WHERE revoked_at IS NOT NULL`); n != 0 {
			t.Fatal("a stranger revoked an invitation")
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`); n != 1 {
			t.Fatalf("%d emails, want 1", n)
		}
	})
}

func TestAcceptAsLoggedInPerson(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		owner := e.user(account.RoleMember, "id")
		stranger := e.user(account.RoleMember, "en")
		if _, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: owner.Email, Role: "mentor"}); err != nil {
			t.Fatal(err)
		}
		token := e.lastToken(owner.Email)

		// An invitation is not transferable.
		_, err := e.svc.AcceptInvitation(ctx, stranger, token, Acceptance{})
		wantKind(t, err, errs.Forbidden)
		// Nor can an anonymous visitor make a second account for a taken address.
		_, err = e.svc.AcceptInvitation(ctx, nil, token, newAccount("Copy"))
		if ee, _ := errs.As(err); ee == nil || ee.Key != "enrol.error.account_exists" {
			t.Fatalf("existing account: %v", err)
		}
		if e.count(`SELECT COUNT(*) FROM invitations WHERE used_at IS NULL`) != 1 || e.count(`SELECT COUNT(*) FROM participants`) != 0 {
			t.Fatal("a refused acceptance changed something")
		}

		// The role is fixed by the invitation, whatever is posted.
		acc, err := e.svc.AcceptInvitation(ctx, owner, token, Acceptance{Role: "mentee"})
		if err != nil {
			t.Fatal(err)
		}
		if acc.Session != "" || acc.User.ID != owner.ID {
			t.Fatalf("accepted %+v", acc)
		}
		part, err := GetParticipant(ctx, db, prog.ID, owner.ID)
		if err != nil || part.Role != "mentor" || part.Status != StatusPending {
			t.Fatalf("participant %+v %v", part, err)
		}
	})
}

// TestAcceptRace has many requests use one invitation at once: exactly one
// may win.
func TestAcceptRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		if _, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "race@example.org", Role: "mentee"}); err != nil {
			t.Fatal(err)
		}
		token := e.lastToken("race@example.org")
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.svc.AcceptInvitation(ctx, nil, token, newAccount(fmt.Sprint("Racer ", i)))
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if k := errs.KindOf(err); k != errs.NotFound && k != errs.Conflict {
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || e.count(`SELECT COUNT(*) FROM participants`) != 1 || e.count(`SELECT COUNT(*) FROM users WHERE email = ?`, "race@example.org") != 1 {
			t.Fatalf("%d winners", wins)
		}
	})
}

func TestInviteCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		member := e.user(account.RoleMember, "en")
		e.participant(prog.ID, member, "mentor", StatusApproved, 2)
		if _, err := e.svc.Invite(ctx, coord, prog.ID, NewInvitation{Email: "pending@example.org"}); err != nil {
			t.Fatal(err)
		}
		before := e.count(`SELECT COUNT(*) FROM outbox`)

		file := "\ufeffEmail;Name;Role;Language\n" +
			"ola@example.org;Ola Nordmann;mentee;nb\n" + // 2 ok
			"not-an-email;Bad;mentee;nb\n" + // 3
			"kim@example.org;Kim;boss;en\n" + // 4
			"lee@example.org;Lee;mentor;de\n" + // 5
			"OLA@example.org;Ola again;;\n" + // 6 duplicate of 2
			"short@example.org;Short\n" + // 7 ragged
			member.Email + ";Member;;\n" + // 8 already participant
			"pending@example.org;;;\n" + // 9 already invited
			"\"Ann@Example.org\";\"Ann; the second\";;\n" // 10 ok, quoted separator
		report, err := e.svc.InviteCSV(ctx, coord, prog.ID, strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			row int
			key string
		}{
			{3, "enrol.csv.email_invalid"}, {4, "enrol.csv.role_unknown"}, {5, "enrol.csv.language_unknown"},
			{6, "enrol.csv.duplicate"}, {7, "enrol.csv.ragged"}, {8, "enrol.error.already_participant"},
			{9, "enrol.error.already_invited"},
		}
		if report.Invited != 2 || report.Rows != 9 || len(report.Problems) != len(want) {
			t.Fatalf("report %+v", report)
		}
		for i, w := range want {
			if p := report.Problems[i]; p.Row != w.row || p.Key != w.key {
				t.Errorf("problem %d: %+v, want row %d %s", i, p, w.row, w.key)
			}
		}
		if report.Problems[3].Args[1] != 2 {
			t.Errorf("duplicate should point at row 2: %+v", report.Problems[3])
		}
		if n := e.count(`SELECT COUNT(*) FROM invitations WHERE email IN ('ola@example.org', 'ann@example.org')`); n != 2 {
			t.Fatalf("good rows invited: %d", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM invitations`); n != 3 {
			t.Fatalf("%d invitations, want 3", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM invitations WHERE email = 'ann@example.org' AND name = 'Ann; the second'`); n != 1 {
			t.Fatal("quoted field not read")
		}
		if e.count(`SELECT COUNT(*) FROM outbox`) != before+2 {
			t.Fatal("each good row gets one email")
		}
		if ms := e.mails("ola@example.org"); len(ms) != 1 || ms[0].lang != "nb" {
			t.Fatalf("ola's email %+v", ms)
		}
	})
}

func TestInviteCSVFileProblems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		mentee := e.user(account.RoleMember, "en")
		e.participant(prog.ID, mentee, "mentee", StatusApproved, 1)

		var many strings.Builder
		many.WriteString("email,name\n")
		for i := range MaxCSVRows + 1 {
			fmt.Fprintf(&many, "p%d@example.org,P %d\n", i, i)
		}
		big := "email\n" + strings.Repeat("x", MaxCSVBytes)
		cases := map[string]string{
			"":                          "enrol.csv.empty",
			"email,name\n":              "enrol.csv.empty",
			"mail,name\na@example.org,": "enrol.csv.header",
			"name,role\nAnn,mentee\n":   "enrol.csv.header",
			many.String():               "enrol.csv.too_many_rows",
			big:                         "enrol.csv.too_large",
		}
		for file, key := range cases {
			_, err := e.svc.InviteCSV(ctx, coord, prog.ID, strings.NewReader(file))
			wantField(t, err, "file", key)
		}
		_, err := e.svc.InviteCSV(ctx, mentee, prog.ID, strings.NewReader("email\na@example.org\n"))
		wantKind(t, err, errs.Forbidden)
		if n := e.count(`SELECT COUNT(*) FROM invitations`); n != 0 {
			t.Fatalf("%d invitations from refused files", n)
		}
		// Exactly the row limit is fine.
		var full strings.Builder
		full.WriteString("email\n")
		for i := range MaxCSVRows {
			fmt.Fprintf(&full, "q%d@example.org\n", i)
		}
		report, err := e.svc.InviteCSV(ctx, coord, prog.ID, strings.NewReader(full.String()))
		if err != nil || report.Invited != MaxCSVRows {
			t.Fatalf("%+v %v", report, err)
		}
	})
}

func TestJoinLink(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		join := Acceptance{Role: "mentee", Account: account.NewUser{Email: "joiner@example.org", Name: "Joiner", Password: "a-good-long-password"}}

		_, err := e.svc.JoinOffer(ctx, prog.JoinToken)
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.Join(ctx, nil, prog.JoinToken, join)
		wantKind(t, err, errs.NotFound)
		if e.count(`SELECT COUNT(*) FROM users`) != 1 {
			t.Fatal("a closed join link created an account")
		}

		st := SettingsOf(*prog)
		st.JoinEnabled, st.JoinRole = true, JoinMentor
		if _, err := e.svc.Update(ctx, coord, prog.ID, st); err != nil {
			t.Fatal(err)
		}
		o, err := e.svc.JoinOffer(ctx, prog.JoinToken)
		if err != nil || o.Role != "mentor" || o.Email != "" {
			t.Fatalf("offer %+v %v", o, err)
		}
		_, err = e.svc.JoinOffer(ctx, "wrong-token")
		wantKind(t, err, errs.NotFound)
		acc, err := e.svc.Join(ctx, nil, prog.JoinToken, join)
		if err != nil {
			t.Fatal(err)
		}
		part, err := GetParticipant(ctx, db, prog.ID, acc.User.ID)
		if err != nil || part.Role != "mentor" || part.Status != StatusPending {
			t.Fatalf("the program decides the role: %+v %v", part, err)
		}
		_, err = e.svc.Join(ctx, acc.User, prog.JoinToken, Acceptance{})
		wantKind(t, err, errs.Conflict)

		st.JoinRole = JoinChoose
		if _, err := e.svc.Update(ctx, coord, prog.ID, st); err != nil {
			t.Fatal(err)
		}
		someone := e.user(account.RoleMember, "en")
		_, err = e.svc.Join(ctx, someone, prog.JoinToken, Acceptance{Role: "coordinator"})
		wantField(t, err, "role", "enrol.error.role_required")
		if _, err := e.svc.Join(ctx, someone, prog.JoinToken, Acceptance{Role: "mentee"}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox WHERE to_email = ?`, coord.Email); n != 2 {
			t.Fatalf("coordinator got %d emails, want 2", n)
		}
	})
}
