package outcome

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

const day = 24 * time.Hour

// The questionnaire goes to the mentee 3 and 6 months after the pair
// ended, once each, in the mentee's language, with a link to answer.
func TestSentAtThreeAndSixMonths(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		s := e.scene(false)
		if n := e.scan(); n != 0 {
			t.Fatalf("sent %d at the end itself", n)
		}
		e.clk.Set(DueAt(s.endedAt, Round3).Add(-time.Minute))
		if n := e.scan(); n != 0 {
			t.Fatalf("sent %d a minute before 3 months", n)
		}
		e.clk.Set(DueAt(s.endedAt, Round3))
		if n := e.scan(); n != 1 {
			t.Fatalf("sent %d at 3 months, want 1 (the mentee only)", n)
		}
		if n := e.scan(); n != 0 {
			t.Fatalf("a second sweep sent %d more", n)
		}
		e.clk.Advance(10 * day)
		if n := e.scan(); n != 0 {
			t.Fatalf("a later sweep sent %d more", n)
		}
		if got := e.count(`SELECT COUNT(*) FROM outcome_surveys WHERE user_id = ?`, s.mentor.ID); got != 0 {
			t.Errorf("the mentor was asked without being included: %d", got)
		}
		// The email is in the mentee's language (Indonesian) and links to the page.
		id := e.surveyOf(s.mentee, Round3)
		var subject, body string
		if err := db.QueryRow(context.Background(), `SELECT subject, body FROM outbox WHERE kind = 'outcome_survey' AND to_email = ?`,
			s.mentee.Email).Scan(&subject, &body); err != nil {
			t.Fatal(err)
		}
		l := e.out.Bundle.Locale("id")
		if want := l.T("email.outcome_survey.subject", "program", s.prog.Name); subject != want {
			t.Errorf("subject %q, want %q", subject, want)
		}
		if !strings.Contains(body, "http://mentorskap.test"+Path(id)) || !strings.Contains(body, "3 bulan") {
			t.Errorf("body lacks the link or the months:\n%s", body)
		}
		e.clk.Set(DueAt(s.endedAt, Round6))
		if n := e.scan(); n != 1 {
			t.Fatalf("sent %d at 6 months, want 1", n)
		}
		if n := e.scan(); n != 0 {
			t.Fatalf("a second sweep at 6 months sent %d more", n)
		}
		if got := e.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'outcome_survey'`); got != 2 {
			t.Errorf("%d emails, want 2", got)
		}
	})
}

// Mentors are asked only when the coordinator includes them; nothing is
// sent while the follow-up is off (the default), and a round long past is
// not sent late when it is turned on.
func TestWhoIsAsked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		s := e.scene(true)
		e.clk.Set(DueAt(s.endedAt, Round3).Add(time.Hour))
		if n := e.scan(); n != 2 {
			t.Fatalf("sent %d with mentors included, want 2", n)
		}
		if got := e.count(`SELECT COUNT(*) FROM outcome_surveys WHERE user_id = ? AND side = 'mentor'`, s.mentor.ID); got != 1 {
			t.Errorf("mentor asked %d times", got)
		}

		// Another program, off by default.
		prog := e.program(s.coord)
		mentor, mentee := e.user("member", "en"), e.user("member", "nb")
		e.participant(prog.ID, mentor, "mentor")
		e.participant(prog.ID, mentee, "mentee")
		p := e.pair(s.coord, prog.ID, mentor, mentee)
		ended := e.clk.Now()
		e.end(s.coord, p)
		e.clk.Set(DueAt(ended, Round3))
		e.scan()
		if got := e.count(`SELECT COUNT(*) FROM outcome_surveys WHERE program_id = ?`, prog.ID); got != 0 {
			t.Fatalf("a program with the follow-up off sent %d", got)
		}
		// Turned on after the 3-month round's window: only 6 months is sent.
		e.clk.Set(DueAt(ended, Round3).Add(Window + time.Hour))
		e.enable(s.coord, prog.ID, false)
		if n := e.scan(); n != 0 {
			t.Fatalf("sent %d for a round long past", n)
		}
		e.clk.Set(DueAt(ended, Round6))
		if n := e.scan(); n != 1 {
			t.Fatalf("sent %d at 6 months, want 1", n)
		}
		if got := e.count(`SELECT COUNT(*) FROM outcome_surveys WHERE program_id = ? AND round = 3`, prog.ID); got != 0 {
			t.Errorf("the late 3-month round was sent")
		}
	})
}

// A mentee matched again is asked only once the new pair has ended too,
// counted from its end.
func TestRematchedMenteeWaitsForTheNewPair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		s := e.scene(false)
		again := e.pair(s.coord, s.prog.ID, s.mentor, s.mentee)
		e.clk.Set(DueAt(s.endedAt, Round3))
		if n := e.scan(); n != 0 {
			t.Fatalf("sent %d while the mentee has a running pair", n)
		}
		e.end(s.coord, again)
		second := e.clk.Now()
		e.clk.Set(DueAt(second, Round3).Add(-time.Hour))
		if n := e.scan(); n != 0 {
			t.Fatalf("sent %d before 3 months after the second pair", n)
		}
		e.clk.Set(DueAt(second, Round3))
		if n := e.scan(); n != 1 {
			t.Fatalf("sent %d 3 months after the second pair, want 1", n)
		}
	})
}

// Sweeps running at once on several instances send each questionnaire
// once.
func TestConcurrentSweepsSendOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		s := e.scene(true)
		e.clk.Set(DueAt(s.endedAt, Round3))
		var wg sync.WaitGroup
		total := make([]int, 4)
		errc := make(chan error, 4)
		for i := range total {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := Scan(context.Background(), db, e.out, e.clk.Now())
				total[i] = n
				if err != nil {
					errc <- err
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if sum := total[0] + total[1] + total[2] + total[3]; sum != 2 {
			t.Errorf("sweeps report %d sent, want 2", sum)
		}
		if got := e.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'outcome_survey'`); got != 2 {
			t.Errorf("%d emails, want 2", got)
		}
	})
}

// Only the person asked may read and answer; answers are checked, taken
// once, and refused once the questionnaire has closed.
func TestAnswer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		s := e.scene(false)
		e.clk.Set(DueAt(s.endedAt, Round3))
		e.scan()
		id := e.surveyOf(s.mentee, Round3)
		good := Answer{Status: StatusWork, Helped: 4, Comment: "  Fikk jobb via nettverket til mentoren.  "}

		for _, u := range []*struct {
			name string
			err  error
		}{
			{"mentor", e.svc.Submit(ctx, s.mentor, id, good)},
			{"other", e.svc.Submit(ctx, s.other, id, good)},
			{"coordinator", e.svc.Submit(ctx, s.coord, id, good)},
			{"admin", e.svc.Submit(ctx, s.admin, id, good)},
		} {
			if !errs.Is(u.err, errs.NotFound) {
				t.Errorf("%s answering the mentee's questionnaire: %v, want not found", u.name, u.err)
			}
		}
		if _, _, err := e.svc.Get(ctx, s.coord, id); !errs.Is(err, errs.NotFound) {
			t.Errorf("coordinator reading the answer page: %v", err)
		}
		wantErr(t, e.svc.Submit(ctx, nil, id, good), errs.Unauthorized, "")

		for _, bad := range []Answer{
			{Status: "retired", Helped: 3},
			{Status: "", Helped: 3},
			{Status: StatusWork, Helped: 0},
			{Status: StatusWork, Helped: 6},
			{Status: StatusWork, Helped: 3, Comment: strings.Repeat("x", MaxCommentLen+1)},
		} {
			wantErr(t, e.svc.Submit(ctx, s.mentee, id, bad), errs.Invalid, "error.invalid")
		}
		if got := e.count(`SELECT COUNT(*) FROM outcome_surveys WHERE answered_at IS NOT NULL`); got != 0 {
			t.Fatalf("a refused answer was saved")
		}
		open, err := OpenFor(ctx, db, s.mentee.ID, e.clk.Now())
		if err != nil || len(open) != 1 || open[0].ID != id || open[0].ProgramName != s.prog.Name {
			t.Fatalf("open before answering: %+v, %v", open, err)
		}

		if err := e.svc.Submit(ctx, s.mentee, id, good); err != nil {
			t.Fatal(err)
		}
		v, _, err := e.svc.Get(ctx, s.mentee, id)
		if err != nil || v.Status != StatusWork || v.Helped != 4 || v.Comment != strings.TrimSpace(good.Comment) || !v.Answered() {
			t.Fatalf("saved %+v, %v", v, err)
		}
		wantErr(t, e.svc.Submit(ctx, s.mentee, id, Answer{Status: StatusLooking, Helped: 1}), errs.Conflict, "outcome.error.answered")
		if open, _ := OpenFor(ctx, db, s.mentee.ID, e.clk.Now()); len(open) != 0 {
			t.Errorf("still open after answering: %+v", open)
		}

		// The 6-month round closes after the window.
		e.clk.Set(DueAt(s.endedAt, Round6))
		e.scan()
		six := e.surveyOf(s.mentee, Round6)
		e.clk.Advance(Window)
		wantErr(t, e.svc.Submit(ctx, s.mentee, six, good), errs.Conflict, "outcome.error.closed")
		if open, _ := OpenFor(ctx, db, s.mentee.ID, e.clk.Now()); len(open) != 0 {
			t.Errorf("open after closing: %+v", open)
		}
	})
}

// Coordinators (and administrators) read the counts; participants and
// other programs' coordinators cannot, nor change the settings.
func TestSettingsAndResultsAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		s := e.scene(false)
		st, err := GetSettings(ctx, db, e.program(s.coord).ID)
		if err != nil || st.Enabled || st.IncludeMentors {
			t.Fatalf("a new program's settings: %+v, %v", st, err)
		}
		if _, err := e.svc.Results(ctx, s.admin, s.prog.ID); err != nil {
			t.Errorf("admin: %v", err)
		}
		_, err = e.svc.Results(ctx, s.mentee, s.prog.ID)
		wantErr(t, err, errs.Forbidden, "")
		_, err = e.svc.Results(ctx, s.alien, s.prog.ID)
		wantErr(t, err, errs.NotFound, "")
		wantErr(t, e.svc.SetSettings(ctx, s.mentee, s.prog.ID, Settings{}), errs.Forbidden, "")
		wantErr(t, e.svc.SetSettings(ctx, s.alien, s.prog.ID, Settings{}), errs.NotFound, "")
		if st, _ := GetSettings(ctx, db, s.prog.ID); !st.Enabled {
			t.Errorf("a refused change changed the settings")
		}
		if err := e.svc.SetSettings(ctx, s.coord, s.prog.ID, Settings{Enabled: false}); err != nil {
			t.Fatal(err)
		}
		e.clk.Set(DueAt(s.endedAt, Round3))
		if n := e.scan(); n != 0 {
			t.Errorf("sent %d after the follow-up was turned off", n)
		}
	})
}

// A copied cohort takes the follow-up settings along.
func TestCopySettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		s := e.scene(true)
		copied, never := e.program(s.coord), e.program(s.coord)
		if err := CopySettings(ctx, db, s.prog.ID, copied.ID, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := CopySettings(ctx, db, never.ID, copied.ID+1000, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if st, err := GetSettings(ctx, db, copied.ID); err != nil || !st.Enabled || !st.IncludeMentors {
			t.Errorf("copied settings %+v, %v", st, err)
		}
	})
}
