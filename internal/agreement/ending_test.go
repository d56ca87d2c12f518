package agreement

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// endEnv is a database with one program, its coordinator and helpers to
// make pairs, for the ending tests.
type endEnv struct {
	t     testing.TB
	db    *store.DB
	clk   *clock.Fixed
	svc   *Service
	progs *program.Service
	coord *account.User
	prog  *program.Program
	n     int
}

func newEndEnv(t testing.TB, db *store.DB) *endEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	e := &endEnv{t: t, db: db, clk: clk, svc: &Service{DB: db, Clock: clk, Outbox: out},
		progs: &program.Service{DB: db, Clock: clk, Outbox: out}}
	e.coord = e.user(account.RoleCoordinator, "sv")
	st := program.SettingsOf(program.Defaults(clk.Now(), "nb"))
	st.Name = "Våren 2026"
	st.Start, st.End = "2026-03-01", "2026-07-31"
	if e.prog, err = e.progs.Create(context.Background(), e.coord, st); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *endEnv) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "end" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// participant enrols a new approved person in the program.
func (e *endEnv) participant(role, lang string) *account.User {
	e.t.Helper()
	u := e.user(account.RoleMember, lang)
	now := e.clk.Now()
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, 'approved', 3, ?, ?)`, e.prog.ID, u.ID, role, now, now); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *endEnv) pair(mentor, mentee *account.User) *program.Pair {
	e.t.Helper()
	p, err := e.progs.CreatePair(context.Background(), e.coord, e.prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *endEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// mail returns the bodies (subject + body) of the emails queued to an
// address, oldest first.
func (e *endEnv) mail(to string) []string {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT language, subject, body FROM outbox WHERE to_email = ? ORDER BY id`, to)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var lang, subject, body string
		if err := rows.Scan(&lang, &subject, &body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, lang+"|"+subject+"\n"+body)
	}
	return out
}

func wantErr(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error %v, want kind %d %s", err, kind, key)
	}
}

func TestEndByMember(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		mentor := e.participant("mentor", "nb")
		mentee := e.participant("mentee", "id")
		stranger := e.participant("mentee", "en")
		otherCoord := e.user(account.RoleCoordinator, "en")
		p := e.pair(mentor, mentee)
		before := e.count(`SELECT COUNT(*) FROM outbox`)

		const reason = "Vi har ulike forventninger om tempoet."
		wantErr(t, e.svc.End(ctx, nil, p.ID, ""), errs.Unauthorized, "")
		wantErr(t, e.svc.End(ctx, stranger, p.ID, ""), errs.NotFound, "")
		wantErr(t, e.svc.End(ctx, otherCoord, p.ID, ""), errs.NotFound, "")
		wantErr(t, e.svc.End(ctx, e.coord, p.ID, ""), errs.Forbidden, "")
		wantErr(t, e.svc.End(ctx, mentor, p.ID, strings.Repeat("å", MaxReasonLen+1)), errs.Invalid, "")
		if n := e.count(`SELECT COUNT(*) FROM pairs WHERE status = 'ended'`) + e.count(`SELECT COUNT(*) FROM pair_endings`); n != 0 {
			t.Fatalf("refused endings changed %d rows", n)
		}

		if err := e.svc.End(ctx, mentor, p.ID, "  "+reason+"\n"); err != nil {
			t.Fatal(err)
		}
		got, err := program.GetEnding(ctx, db, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.How != program.EndedByMember || got.Side != program.SideMentor || got.EndedBy != mentor.ID ||
			got.Reason != reason || !got.EndedAt.Equal(e.clk.Now()) {
			t.Fatalf("ending %+v", got)
		}
		pp, _ := program.GetPair(ctx, db, p.ID)
		if pp.Active() || pp.EndedAt == nil {
			t.Fatalf("pair still active: %+v", pp)
		}

		// The mentee hears in Indonesian, neutrally, without the reason.
		mm := e.mail(mentee.Email)
		if len(mm) != 2 { // paired, then ended
			t.Fatalf("mentee got %d emails", len(mm))
		}
		if !strings.HasPrefix(mm[1], "id|") || strings.Contains(mm[1], reason) || !strings.Contains(mm[1], mentor.Name) ||
			!strings.Contains(mm[1], "/pairs/"+strconv.FormatInt(p.ID, 10)+"/closing") {
			t.Fatalf("mentee email:\n%s", mm[1])
		}
		// The mentor who ended it gets nothing more; the coordinator gets the reason in Swedish.
		if n := len(e.mail(mentor.Email)); n != 1 {
			t.Fatalf("mentor got %d emails", n)
		}
		cm := e.mail(e.coord.Email)
		if len(cm) != 1 || !strings.HasPrefix(cm[0], "sv|") || !strings.Contains(cm[0], reason) || !strings.Contains(cm[0], "mentorn") ||
			!strings.Contains(cm[0], "inte bett om en ny mentor") {
			t.Fatalf("coordinator email: %q", cm)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`) - before; n != 2 {
			t.Fatalf("%d emails for one ending", n)
		}

		// program.Ending twice is refused and sends nothing.
		wantErr(t, e.svc.End(ctx, mentee, p.ID, ""), errs.Conflict, "ending.error.already_ended")
		if n := e.count(`SELECT COUNT(*) FROM outbox`) - before; n != 2 {
			t.Fatalf("second ending sent email")
		}

		// The mentee is free to be paired again, and so is the mentor's place.
		mentor2 := e.participant("mentor", "en")
		if _, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{mentor2.ID}, []int64{mentee.ID}); err != nil {
			t.Fatalf("rematch: %v", err)
		}
	})
}

// The coordinators read whether the mentee is waiting for a new mentor:
// only when the mentee asked.
func TestEndingTellsCoordinatorsWhereTheMenteeStands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		for _, asked := range []bool{true, false} {
			before := len(e.mail(e.coord.Email))
			mentee := e.participant("mentee", "en")
			p := e.pair(e.participant("mentor", "en"), mentee)
			if err := e.svc.EndWith(ctx, mentee, p.ID, EndRequest{NewMentor: asked}); err != nil {
				t.Fatal(err)
			}
			cm := e.mail(e.coord.Email)
			last := cm[len(cm)-1]
			if len(cm) != before+1 || strings.Contains(last, "har bett om en ny mentor") != asked ||
				strings.Contains(last, "inte bett om en ny mentor") == asked {
				t.Fatalf("asked %v, coordinator email:\n%s", asked, last)
			}
		}
	})
}

func TestEndWithoutReason(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		mentor := e.participant("mentor", "sv")
		mentee := e.participant("mentee", "en")
		p := e.pair(mentor, mentee)
		if err := e.svc.End(ctx, mentee, p.ID, ""); err != nil {
			t.Fatal(err)
		}
		mm := e.mail(mentor.Email)
		if len(mm) != 2 || !strings.HasPrefix(mm[1], "sv|") || !strings.Contains(mm[1], mentee.Name) {
			t.Fatalf("mentor email: %q", mm)
		}
		cm := e.mail(e.coord.Email)
		if len(cm) != 1 || !strings.Contains(cm[0], "adepten") || !strings.Contains(cm[0], "Inget skäl") {
			t.Fatalf("coordinator email: %q", cm)
		}
		got, _ := program.GetEnding(ctx, db, p.ID)
		if got.Side != program.SideMentee || got.Reason != "" {
			t.Fatalf("ending %+v", got)
		}
	})
}

func TestCoordinatorEndRecordsEnding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		p := e.pair(e.participant("mentor", "en"), e.participant("mentee", "en"))
		if err := e.progs.EndPair(ctx, e.coord, e.prog.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.progs.EndPair(ctx, e.coord, e.prog.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		got, err := program.GetEnding(ctx, db, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.How != program.EndedByCoordinator || got.EndedBy != e.coord.ID || got.Side != "" {
			t.Fatalf("ending %+v", got)
		}
	})
}

func TestCloseDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		mentor := e.participant("mentor", "nb")
		var pairs []*program.Pair
		var mentees []*account.User
		for range 3 {
			mentees = append(mentees, e.participant("mentee", "sv"))
			pairs = append(pairs, e.pair(mentor, mentees[len(mentees)-1]))
		}
		// One pair ended early stays as it ended.
		if err := e.svc.End(ctx, mentees[2], pairs[2].ID, ""); err != nil {
			t.Fatal(err)
		}
		before := e.count(`SELECT COUNT(*) FROM outbox`)

		// On the last day (31 July) the pairs still run.
		e.clk.Set(time.Date(2026, 7, 31, 23, 59, 0, 0, time.UTC))
		if n, err := e.svc.CloseDue(ctx); err != nil || n != 0 {
			t.Fatalf("closed %d before the end (%v)", n, err)
		}
		e.clk.Set(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC))
		// Closing another program's pairs leaves these alone.
		if n, err := e.svc.CloseDueIn(ctx, program.ActivePairsOf(pairs[0].ProgramID+1000)); err != nil || n != 0 {
			t.Fatalf("another program's closing closed %d (%v)", n, err)
		}
		n, err := e.svc.CloseDueIn(ctx, program.ActivePairsOf(pairs[0].ProgramID))
		if err != nil || n != 2 {
			t.Fatalf("closed %d (%v), want 2", n, err)
		}
		for _, p := range pairs[:2] {
			got, err := program.GetEnding(ctx, db, p.ID)
			if err != nil || got.How != program.EndedAsPlanned || got.EndedBy != 0 || got.Reason != "" {
				t.Fatalf("ending %+v (%v)", got, err)
			}
		}
		if got, _ := program.GetEnding(ctx, db, pairs[2].ID); got.How != program.EndedByMember {
			t.Fatalf("early ending rewritten: %+v", got)
		}
		// Each member is thanked; the coordinator gets one list for the program.
		if mm := e.mail(pairs[0].Mentees[0].Email); len(mm) != 2 || !strings.Contains(mm[1], "planerade") {
			t.Fatalf("mentee email: %q", mm)
		}
		cm := e.mail(e.coord.Email)
		last := cm[len(cm)-1]
		if !strings.Contains(last, pairs[0].Mentees[0].Name) || !strings.Contains(last, pairs[1].Mentees[0].Name) ||
			strings.Contains(last, pairs[2].Mentees[0].Name) {
			t.Fatalf("coordinator list:\n%s", last)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`) - before; n != 2+2+1 {
			t.Fatalf("%d emails for two planned endings", n)
		}
		if n, err := e.svc.CloseDue(ctx); err != nil || n != 0 {
			t.Fatalf("second run closed %d (%v)", n, err)
		}
	})
}

// TestCloseDueConcurrent runs the closer from several goroutines at once,
// as several server instances would: every pair closes exactly once and
// every email goes out once.
func TestCloseDueConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		const pairs = 6
		for range pairs / 2 {
			m := e.participant("mentor", "en")
			e.pair(m, e.participant("mentee", "en"))
			e.pair(m, e.participant("mentee", "nb"))
		}
		before := e.count(`SELECT COUNT(*) FROM outbox`)
		e.clk.Set(time.Date(2026, 8, 2, 3, 0, 0, 0, time.UTC))
		const workers = 4
		var wg sync.WaitGroup
		counts := make([]int, workers)
		errc := make(chan error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each worker is its own "instance": its own service value.
				svc := &Service{DB: db, Clock: e.clk, Outbox: e.svc.Outbox}
				n, err := svc.CloseDue(ctx)
				counts[i] = n
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		if total != pairs {
			t.Fatalf("closed %d in total (%v), want %d", total, counts, pairs)
		}
		if n := e.count(`SELECT COUNT(*) FROM pair_endings WHERE how = 'planned'`); n != pairs {
			t.Fatalf("%d ending records", n)
		}
		// Two emails per pair, one list per coordinator.
		if n := e.count(`SELECT COUNT(*) FROM outbox`) - before; n != 2*pairs+1 {
			t.Fatalf("%d emails, want %d", n, 2*pairs+1)
		}
	})
}

func TestClosingSummary(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		mentor := e.participant("mentor", "nb")
		mentee := e.participant("mentee", "en")
		stranger := e.participant("mentee", "en")
		p := e.pair(mentor, mentee)
		now := e.clk.Now()
		for i, status := range []string{"confirmed", "confirmed", "cancelled", "confirmed"} {
			at := now.Add(time.Duration(i*7*24) * time.Hour)
			if _, err := db.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'UTC', 60, ?, ?)`, p.ID, "m"+strconv.Itoa(i), status, at, now, now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `INSERT INTO goals (pair_id, title, status, progress, created_at, updated_at)
			VALUES (?, 'Søke fem stillinger', 'reached', 100, ?, ?)`, p.ID, now, now); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Closing(ctx, mentee, p.ID)
		wantErr(t, err, errs.Conflict, "ending.error.not_ended")
		wantErr(t, e.svc.SaveReflection(ctx, mentee, p.ID, "tidlig"), errs.Conflict, "ending.error.not_ended")

		e.clk.Advance(15 * 24 * time.Hour) // after the third meeting's slot, before the fourth
		if err := e.svc.End(ctx, mentee, p.ID, "Moving abroad"); err != nil {
			t.Fatal(err)
		}

		c, err := e.svc.Closing(ctx, mentee, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !c.ByViewer() || c.Ending.Reason != "Moving abroad" || c.MeetingsHeld != 2 || c.MinMeetings != 4 ||
			len(c.Goals) != 1 || c.Goals[0].Status != "reached" || c.Reflection != nil {
			t.Fatalf("mentee's closing: %+v", c)
		}
		c, err = e.svc.Closing(ctx, mentor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.ByViewer() || c.Ending.Reason != "" || len(c.Goals) != 1 {
			t.Fatalf("mentor's closing shows the reason: %+v", c)
		}
		c, err = e.svc.Closing(ctx, e.coord, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Ending.Reason != "Moving abroad" || c.Goals != nil || c.MeetingsHeld != 2 {
			t.Fatalf("coordinator's closing: %+v", c)
		}
		_, err = e.svc.Closing(ctx, stranger, p.ID)
		wantErr(t, err, errs.NotFound, "")

		// Reflections are private to their writer.
		wantErr(t, e.svc.SaveReflection(ctx, mentee, p.ID, strings.Repeat("x", MaxReflectionLen+1)), errs.Invalid, "")
		wantErr(t, e.svc.SaveReflection(ctx, e.coord, p.ID, "x"), errs.Forbidden, "")
		if err := e.svc.SaveReflection(ctx, mentee, p.ID, "Jeg lærte å be om hjelp."); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SaveReflection(ctx, mentee, p.ID, "Jeg lærte å be om hjelp tidlig."); err != nil {
			t.Fatal(err)
		}
		if c, _ := e.svc.Closing(ctx, mentee, p.ID); c.Reflection == nil || c.Reflection.Body != "Jeg lærte å be om hjelp tidlig." {
			t.Fatalf("own reflection: %+v", c.Reflection)
		}
		if c, _ := e.svc.Closing(ctx, mentor, p.ID); c.Reflection != nil {
			t.Fatalf("mentor reads the mentee's reflection")
		}
		if err := e.svc.SaveReflection(ctx, mentee, p.ID, "  "); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM pair_reflections`); n != 0 {
			t.Fatalf("empty reflection kept %d rows", n)
		}
	})
}

// BenchmarkCloseDueScan measures the hourly scan over a cohort of running
// pairs when none is due yet, the common case.
func BenchmarkCloseDueScan(b *testing.B) {
	e := newEndEnv(b, storetest.SQLite(b))
	const pairs = 200
	for range pairs / 2 {
		m := e.participant("mentor", "en")
		e.pair(m, e.participant("mentee", "en"))
		e.pair(m, e.participant("mentee", "en"))
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if n, err := e.svc.CloseDue(ctx); err != nil || n != 0 {
			b.Fatalf("closed %d (%v)", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/pairs, "µs/pair")
}

// The closing summary shows a goal's progress as the goals page does: a
// goal with sub-goals shows theirs, not the number stored on it.
func TestClosingGoalProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEndEnv(t, db)
		ctx := context.Background()
		mentor := e.participant("mentor", "en")
		mentee := e.participant("mentee", "en")
		p := e.pair(mentor, mentee)
		now := e.clk.Now()
		var parent int64
		if _, err := db.Exec(ctx, `INSERT INTO goals (pair_id, title, status, progress, position, created_at, updated_at)
			VALUES (?, 'Lead a project', 'open', 0, 1, ?, ?)`, p.ID, now, now); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT id FROM goals WHERE pair_id = ?`, p.ID).Scan(&parent); err != nil {
			t.Fatal(err)
		}
		for i, progress := range []int{50, 100} {
			if _, err := db.Exec(ctx, `INSERT INTO goals (pair_id, parent_id, title, status, progress, position, created_at, updated_at)
				VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?)`, p.ID, parent, "step "+strconv.Itoa(i), progress, i+1, now, now); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.svc.End(ctx, mentee, p.ID, ""); err != nil {
			t.Fatal(err)
		}
		c, err := e.svc.Closing(ctx, mentee, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Progress and status both come from the sub-goals, as on the goal's
		// page: not "not started" at 75 %.
		if len(c.Goals) != 1 || c.Goals[0].Title != "Lead a project" || c.Goals[0].Progress != 75 ||
			c.Goals[0].Status != goal.StatusInProgress {
			t.Fatalf("closing goals: %+v", c.Goals)
		}
	})
}
