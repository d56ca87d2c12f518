package evaluation

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/matching"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

type sentMail struct{ To, Subject, Body string }

func (e *evalEnv) mails() []sentMail {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		if err := rows.Scan(&m.To, &m.Subject, &m.Body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// met gives the scene's pair a first meeting an hour ago.
func (e *evalEnv) met(s scene) time.Time {
	start := e.clk.Now().Add(-time.Hour)
	e.meeting(s.pair.ID, "confirmed", start)
	return start
}

func TestChemistryAnswerRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()

		// Before the first meeting the check is closed.
		c, err := e.svc.Chemistry(ctx, s.mentee, s.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Open() || c.Mine != nil {
			t.Fatalf("open before the first meeting: %+v", c)
		}
		wantErr(t, e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerYes, ""), errs.Conflict, "chemistry.error.too_early")

		start := e.met(s)
		c, err = e.svc.Chemistry(ctx, s.mentee, s.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Open() || !c.FirstMeeting.Equal(start) || !c.DueAt.Equal(start.Add(ChemistryWindow)) {
			t.Fatalf("after the first meeting: open %v, first %v, due %v", c.Open(), c.FirstMeeting, c.DueAt)
		}

		// Who may answer, and bad input: nothing is saved.
		refusals := []struct {
			name    string
			actor   *account.User
			answer  string
			comment string
			kind    errs.Kind
			key     string
		}{
			{"anonymous", nil, AnswerYes, "", errs.Unauthorized, "error.login_required"},
			{"other participant", s.other, AnswerYes, "", errs.NotFound, "pair.error.not_found"},
			{"coordinator of another program", s.alien, AnswerYes, "", errs.NotFound, "pair.error.not_found"},
			{"coordinator", s.coord, AnswerNo, "", errs.Forbidden, "pair.error.members_only"},
			{"administrator", s.admin, AnswerNo, "", errs.Forbidden, "pair.error.members_only"},
			{"unknown answer", s.mentee, "maybe", "", errs.Invalid, "error.invalid"},
			{"long comment", s.mentee, AnswerNo, strings.Repeat("x", MaxCommentLen+1), errs.Invalid, "error.invalid"},
		}
		for _, r := range refusals {
			err := e.svc.AnswerChemistry(ctx, r.actor, s.pair.ID, r.answer, r.comment)
			if x, ok := errs.As(err); !ok || x.Kind != r.kind || x.Key != r.key {
				t.Fatalf("%s: %v, want %s", r.name, err, r.key)
			}
			if _, err := e.svc.Chemistry(ctx, r.actor, s.pair.ID); r.kind != errs.Invalid && err == nil {
				t.Fatalf("%s may read the check", r.name)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM chemistry_answers`) + e.count(`SELECT COUNT(*) FROM checkpoint_responses`); n != 0 {
			t.Fatalf("refusals saved %d rows", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE '%attention%'`); n != 0 {
			t.Fatal("a refused no alerted the coordinator")
		}

		// The comment is kept at its exact limit, trimmed.
		long := strings.Repeat("é", MaxCommentLen)
		if err := e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerUnsure, "  "+long+"  "); err != nil {
			t.Fatal(err)
		}
		c, _ = e.svc.Chemistry(ctx, s.mentee, s.pair.ID)
		if c.Mine == nil || c.Mine.Answer != AnswerUnsure || c.Mine.Comment != long {
			t.Fatalf("saved answer %+v", c.Mine)
		}

		// An ended pair takes no answers.
		if err := e.progs.EndPair(ctx, s.coord, s.prog.ID, s.pair.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerYes, ""), errs.Conflict, "chemistry.error.ended")
	})
}

func TestChemistryPrivacy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		e.met(s)
		if err := e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerNo, "We never seem to listen to each other"); err != nil {
			t.Fatal(err)
		}
		// The mentor sees nothing of it: their own check is still empty.
		c, err := e.svc.Chemistry(ctx, s.mentor, s.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Mine != nil {
			t.Fatalf("mentor sees an answer they did not give: %+v", c.Mine)
		}
		e.clk.Advance(time.Minute)
		if err := e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerYes, "Good start"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{s.mentor, s.mentee} {
			c, err := e.svc.Chemistry(ctx, u, s.pair.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]string{s.mentor.ID: AnswerYes, s.mentee.ID: AnswerNo}[u.ID]
			if c.Mine == nil || c.Mine.Answer != want {
				t.Fatalf("user %d sees %+v, want own answer %s", u.ID, c.Mine, want)
			}
		}

		// The coordinator sees counts and comments, never who said what.
		_, list, err := e.svc.ChemistryOverview(ctx, s.coord, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].No != 1 || list[0].Yes != 1 || list[0].Unsure != 0 || !list[0].Alert() {
			t.Fatalf("overview %+v", list)
		}
		if got := strings.Join(list[0].Comments, "|"); got != "We never seem to listen to each other|Good start" {
			t.Fatalf("comments %q", got)
		}
		for _, who := range []*account.User{s.mentor, s.mentee, s.other, s.alien} {
			if _, _, err := e.svc.ChemistryOverview(ctx, who, s.prog.ID); err == nil {
				t.Fatalf("user %d reads the coordinator's list", who.ID)
			}
		}
		if _, _, err := e.svc.ChemistryOverview(ctx, s.admin, s.prog.ID); err != nil {
			t.Fatalf("administrator: %v", err)
		}
		if n, err := AlertCount(ctx, db, s.prog.ID); err != nil || n != 1 {
			t.Fatalf("alert count %d, %v", n, err)
		}
	})
}

func TestChemistryNoAlertsCoordinators(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		second := e.user(account.RoleCoordinator, "sv")
		if err := e.progs.AddCoordinator(ctx, s.coord, s.prog.ID, second.Email); err != nil {
			t.Fatal(err)
		}
		e.met(s)
		before := len(e.mails())
		if err := e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerUnsure, "hmm"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.mails()); n != before {
			t.Fatalf("a 'not sure' sent %d emails", n-before)
		}
		secret := "Private worry about the mentee"
		if err := e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerNo, secret); err != nil {
			t.Fatal(err)
		}
		sent := e.mails()[before:]
		if len(sent) != 2 {
			t.Fatalf("%d emails after a no, want one per coordinator: %+v", len(sent), sent)
		}
		to := map[string]sentMail{}
		for _, m := range sent {
			to[m.To] = m
		}
		nb, sv := to[s.coord.Email], to[second.Email]
		if !strings.Contains(nb.Subject, "trenger oppmerksomheten din") || !strings.Contains(sv.Subject, "behöver din uppmärksamhet") {
			t.Fatalf("not in each coordinator's language: %q / %q", nb.Subject, sv.Subject)
		}
		for _, m := range sent {
			if !strings.Contains(m.Body, "http://mentorskap.test/programs/"+strconv.FormatInt(s.prog.ID, 10)+"/chemistry") {
				t.Fatalf("no link: %s", m.Body)
			}
			for _, leak := range []string{secret, s.mentor.Name, s.mentee.Name} {
				if strings.Contains(m.Subject+m.Body, leak) {
					t.Fatalf("alert email reveals %q:\n%s", leak, m.Body)
				}
			}
		}
		// Saying no again, or the other side saying yes, sends nothing more.
		if err := e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerNo, "still no"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerYes, ""); err != nil {
			t.Fatal(err)
		}
		if n := len(e.mails()); n != before+2 {
			t.Fatalf("%d emails, want no more", n-before)
		}
	})
}

func TestRematch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		e.met(s)

		// Without a concern there is nothing to rematch.
		if err := e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerYes, ""); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.Rematch(ctx, s.coord, s.prog.ID, s.pair.ID), errs.Conflict, "chemistry.error.no_concern")
		if err := e.svc.AnswerChemistry(ctx, s.mentor, s.pair.ID, AnswerNo, ""); err != nil {
			t.Fatal(err)
		}

		refusals := []struct {
			name  string
			actor *account.User
			kind  errs.Kind
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"mentor of the pair", s.mentor, errs.Forbidden},
			{"mentee of the pair", s.mentee, errs.Forbidden},
			{"other participant", s.other, errs.Forbidden},
			{"coordinator of another program", s.alien, errs.NotFound},
		}
		for _, r := range refusals {
			if err := e.svc.Rematch(ctx, r.actor, s.prog.ID, s.pair.ID); errs.KindOf(err) != r.kind || err == nil {
				t.Fatalf("%s: %v", r.name, err)
			}
		}
		// The pair must belong to the program in the path.
		alienProg := e.program(s.alien)
		wantErr(t, e.svc.Rematch(ctx, s.alien, alienProg.ID, s.pair.ID), errs.NotFound, "pair.error.not_found")
		if n := e.count(`SELECT COUNT(*) FROM pairs WHERE status = 'ended'`); n != 0 {
			t.Fatal("a refused rematch ended the pair")
		}

		before := len(e.mails())
		if err := e.svc.Rematch(ctx, s.coord, s.prog.ID, s.pair.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM pairs WHERE id = ? AND status = 'ended' AND ended_at IS NOT NULL`, s.pair.ID); n != 1 {
			t.Fatal("pair not ended")
		}
		if n := e.count(`SELECT COUNT(*) FROM pair_endings WHERE pair_id = ? AND how = 'coordinator'`, s.pair.ID); n != 1 {
			t.Fatal("ending not recorded")
		}
		set, err := matching.LoadSettings(ctx, db, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !set.Excludes(s.mentee.ID, s.mentor.ID) {
			t.Fatal("the two may be proposed together again")
		}
		sent := e.mails()[before:]
		if len(sent) != 2 {
			t.Fatalf("%d emails, want one to each side", len(sent))
		}
		for _, m := range sent {
			switch m.To {
			case s.mentee.Email: // Indonesian
				if !strings.Contains(m.Subject, "Awal yang baru") {
					t.Fatalf("mentee email %q", m.Subject)
				}
			case s.mentor.Email: // Swedish
				if !strings.Contains(m.Subject, "är avslutat") {
					t.Fatalf("mentor email %q", m.Subject)
				}
			default:
				t.Fatalf("email to %s", m.To)
			}
			// Neutral: no word of anyone's answer.
			for _, word := range []string{"menjawab", "svarade", "jawaban", "svar"} {
				if strings.Contains(strings.ToLower(m.Body), word) {
					t.Fatalf("ending email mentions answers (%q): %s", word, m.Body)
				}
			}
		}
		// The ended pair leaves the list, and rematching twice is refused.
		if _, list, _ := e.svc.ChemistryOverview(ctx, s.coord, s.prog.ID); len(list) != 0 {
			t.Fatalf("ended pair still listed: %+v", list)
		}
		wantErr(t, e.svc.Rematch(ctx, s.coord, s.prog.ID, s.pair.ID), errs.Conflict, "chemistry.error.ended")

		// The mentee is free to be paired with someone else.
		mentor2 := e.user(account.RoleMember, "en")
		e.participant(s.prog.ID, mentor2, "mentor")
		if _, err := e.progs.CreatePair(ctx, s.coord, s.prog.ID, []int64{mentor2.ID}, []int64{s.mentee.ID}); err != nil {
			t.Fatalf("mentee not back in the pool: %v", err)
		}
	})
}
