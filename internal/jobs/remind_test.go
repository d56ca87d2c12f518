package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/health"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// atBoundary checks that a reminder is not queued one second before its
// moment and is queued exactly at it.
func atBoundary(t *testing.T, e *remindEnv, kind string, userID int64, at time.Time) {
	t.Helper()
	e.clk.Set(at.Add(-time.Second))
	if k := e.scan(kind, userID); len(k) != 0 {
		t.Fatalf("%s queued a second early: %v", kind, k)
	}
	e.clk.Set(at)
	if k := e.scan(kind, userID); len(k) != 1 {
		t.Fatalf("%s at its moment: %v", kind, k)
	}
}

func TestReminderTriggers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Run("meeting tomorrow", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			at := start.Add(10 * 24 * time.Hour)
			e.meeting(s.pair.ID, "confirmed", at)
			e.meeting(s.pair.ID, "proposed", at.Add(time.Hour)) // not confirmed: no reminder
			atBoundary(t, e, KindMeeting, s.mentor.ID, at.Add(-MeetingAhead))
			if k := e.scan(KindMeeting, s.mentee.ID); len(k) != 1 {
				t.Fatalf("mentee: %v", k)
			}
			e.clk.Set(at.Add(-time.Hour)) // a later scan queues nothing new
			if k := e.scan(KindMeeting, s.mentor.ID); len(k) != 1 {
				t.Fatalf("second scan: %v", k)
			}
		})
		t.Run("agenda", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			at := start.Add(10 * 24 * time.Hour)
			e.meeting(s.pair.ID, "confirmed", at)
			atBoundary(t, e, KindAgenda, s.mentee.ID, at.Add(-AgendaAhead))
			if k := e.scan(KindAgenda, s.mentor.ID); len(k) != 0 {
				t.Fatalf("the mentor does not prepare the agenda: %v", k)
			}
			// A meeting whose agenda has topics gets no reminder.
			ready := e.meeting(s.pair.ID, "confirmed", at.Add(time.Hour))
			now := e.clk.Now()
			db.Exec(context.Background(), `INSERT INTO agendas (meeting_id, version, updated_at) VALUES (?, 1, ?)`, ready, now)
			db.Exec(context.Background(), `INSERT INTO agenda_items (meeting_id, position, source, title) VALUES (?, 1, 'own', 'Career')`, ready)
			e.clk.Set(at.Add(-time.Minute))
			if k := e.scan(KindAgenda, s.mentee.ID); len(k) != 1 {
				t.Fatalf("prepared agenda reminded: %v", k)
			}
		})
		t.Run("book next", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			last := start.Add(5 * 24 * time.Hour)
			e.meeting(s.pair.ID, "confirmed", last)
			atBoundary(t, e, KindBookNext, s.mentee.ID, last.Add(BookAfter))
			if k := e.scan(KindBookNext, s.mentor.ID); len(k) != 1 {
				t.Fatalf("mentor: %v", k)
			}
			// With the next meeting planned, nothing is due for a later one.
			next := start.Add(40 * 24 * time.Hour)
			e.meeting(s.pair.ID, "proposed", next)
			e.clk.Set(last.Add(20 * 24 * time.Hour))
			if k := e.scan(KindBookNext, s.mentor.ID); len(k) != 1 {
				t.Fatalf("reminded with a meeting planned: %v", k)
			}
		})
		t.Run("gap", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			last := start.Add(2 * 24 * time.Hour)
			e.meeting(s.pair.ID, "confirmed", last)
			deadline := last.AddDate(0, 0, s.prog.MaxGapDays)
			atBoundary(t, e, KindGap, s.mentor.ID, deadline.Add(-GapWarning))
			// Once the limit has passed it is the digest's business.
			other := e.scene()
			e.clk.Set(other.pair.CreatedAt.AddDate(0, 0, s.prog.MaxGapDays))
			if k := e.scan(KindGap, other.mentor.ID); len(k) != 0 {
				t.Fatalf("warned after the limit: %v", k)
			}
		})
		t.Run("unsigned", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			atBoundary(t, e, KindUnsigned, s.mentee.ID, s.pair.CreatedAt.Add(UnsignedAfter))
		})
		t.Run("evaluation", func(t *testing.T) {
			e := newRemindEnv(t, db)
			s := e.scene()
			due := start.Add(60 * 24 * time.Hour)
			if err := evaluation.Schedule(context.Background(), db, s.pair.ID, evaluation.KindMidpoint, due); err != nil {
				t.Fatal(err)
			}
			atBoundary(t, e, KindEvaluation, s.mentor.ID, due.Add(-EvaluationAhead))
			e.clk.Set(due)
			if k := e.scan(KindEvaluation, s.mentor.ID); len(k) != 1 {
				t.Fatalf("at the due moment it is not overdue yet: %v", k)
			}
			e.clk.Set(due.Add(time.Second))
			k := e.scan(KindEvaluation, s.mentor.ID)
			if len(k) != 2 || !strings.Contains(k[1], "midpoint-overdue") {
				t.Fatalf("overdue: %v", k)
			}
		})
	})
}

func TestReminderEmailsInTheirLanguageAndPreferences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		s := e.scene()
		quiet := e.scene()
		if err := SetEnabled(ctx, db, quiet.mentor.ID, map[string]bool{KindMeeting: false}); err != nil {
			t.Fatal(err)
		}
		at := start.Add(3 * 24 * time.Hour)
		m := e.meeting(s.pair.ID, "confirmed", at)
		e.meeting(quiet.pair.ID, "confirmed", at)
		e.clk.Set(at.Add(-MeetingAhead))
		before := len(e.mails(db))
		w := e.worker(db, "w")
		if err := w.Schedule(ctx); err != nil {
			t.Fatal(err)
		}
		drain(t, w)
		sent := e.mails(db)[before:]
		byTo := map[string][]mail{}
		for _, x := range sent {
			byTo[x.To] = append(byTo[x.To], x)
		}
		sv := byTo[s.mentor.Email]
		if len(sv) != 1 || !strings.Contains(sv[0].Subject, "Påminnelse: du träffar") ||
			!strings.Contains(sv[0].Body, fmt.Sprintf("/pairs/%d/meetings/%d", s.pair.ID, m)) || !strings.Contains(sv[0].Body, "kl. 10.00 (norsk tid)") {
			t.Fatalf("Swedish mentor: %+v", sv)
		}
		// The Indonesian mentee gets the meeting and the empty-agenda reminders.
		id := byTo[s.mentee.Email]
		if len(id) != 2 || !strings.Contains(id[0].Subject+id[1].Subject, "Agenda pertemuan") {
			t.Fatalf("Indonesian mentee: %+v", id)
		}
		if len(byTo[quiet.mentor.Email]) != 0 || len(byTo[quiet.mentee.Email]) != 2 {
			t.Fatalf("opt-out not honoured: %+v", byTo)
		}

		// Turning a kind off after the reminder was queued still stops it.
		e.clk.Set(at.Add(-AgendaAhead - 24*time.Hour))
		e.meeting(quiet.pair.ID, "confirmed", at.Add(24*time.Hour))
		e.clk.Set(at)
		if _, err := Scan(ctx, db, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if k := e.scan(KindMeeting, quiet.mentee.ID); len(k) != 2 {
			t.Fatalf("the later meeting's reminder was not queued: %v", k)
		}
		SetEnabled(ctx, db, quiet.mentee.ID, map[string]bool{KindMeeting: false, KindAgenda: false})
		n := len(e.mails(db))
		drain(t, w)
		// Its only reminders were the quiet mentee's, now turned off.
		if got := e.mails(db)[n:]; len(got) != 0 {
			t.Fatalf("sent after opting out: %+v", got)
		}
		var pending int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE done_at IS NULL`).Scan(&pending)
		if pending != 0 {
			t.Fatalf("%d jobs left", pending)
		}
	})
}

func TestPreferences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		a, b := e.user(account.RoleMember, "en"), e.user(account.RoleMember, "en")
		on, err := Enabled(ctx, db, a.ID)
		if err != nil || len(on) != len(Kinds) {
			t.Fatalf("%v %v", on, err)
		}
		for k, v := range on {
			if !v {
				t.Fatalf("%s off by default", k)
			}
		}
		SetEnabled(ctx, db, a.ID, map[string]bool{KindGap: false, KindDigest: false})
		SetEnabled(ctx, db, a.ID, map[string]bool{KindDigest: true})
		on, _ = Enabled(ctx, db, a.ID)
		if on[KindGap] || !on[KindDigest] || !on[KindMeeting] {
			t.Fatalf("%v", on)
		}
		if err := SetEnabled(ctx, db, a.ID, map[string]bool{KindMeeting: false, "spam": false}); err == nil {
			t.Fatal("unknown kind accepted")
		}
		on, _ = Enabled(ctx, db, a.ID)
		if !on[KindMeeting] {
			t.Fatal("a refused change was partly saved")
		}
		if other, _ := Enabled(ctx, db, b.ID); !other[KindGap] {
			t.Fatal("settings leaked to another person")
		}
	})
}

func TestWeeklyDigest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		s := e.scene()
		fine := e.scene() // meets regularly and signs nothing: only "unsigned" after two weeks
		_ = fine
		w := e.worker(db, "w")

		// In the first week nothing needs attention: the digest job runs but
		// sends nothing.
		e.clk.Set(start.Add(24 * time.Hour))
		n := len(e.mails(db))
		w.Schedule(ctx)
		drain(t, w)
		for _, m := range e.mails(db)[n:] {
			if m.To == s.coord.Email {
				t.Fatalf("digest with nothing to report: %+v", m)
			}
		}

		// Five weeks on without a meeting: past the gap limit, unsigned and
		// never met.
		e.clk.Set(start.Add(35 * 24 * time.Hour))
		list, err := dashboard.NeedsAttention(ctx, db, s.prog.ID, e.clk.Now())
		if err != nil || len(list) != 1 || !list[0].Health.Has(health.Unsigned) {
			t.Fatalf("attention: %+v %v", list, err)
		}
		n = len(e.mails(db))
		w.Schedule(ctx)
		drain(t, w)
		w.Schedule(ctx) // same week: nothing more
		drain(t, w)
		var digests []mail
		for _, m := range e.mails(db)[n:] {
			if m.To == s.coord.Email || m.To == fine.coord.Email {
				digests = append(digests, m)
			}
		}
		if len(digests) != 2 || !strings.Contains(digests[0].Subject, "par som trenger oppfølging") ||
			!strings.Contains(digests[0].Body, s.mentor.Name+" / "+s.mentee.Name) || !strings.Contains(digests[0].Body, "Avtalen er fortsatt ikke signert") {
			t.Fatalf("digests: %+v", digests)
		}

		// Opted out: next week brings no digest for that coordinator.
		SetEnabled(ctx, db, s.coord.ID, map[string]bool{KindDigest: false})
		e.clk.Set(start.Add(42 * 24 * time.Hour))
		n = len(e.mails(db))
		w.Schedule(ctx)
		drain(t, w)
		got := 0
		for _, m := range e.mails(db)[n:] {
			if m.To == s.coord.Email {
				t.Fatalf("digest after opting out: %+v", m)
			}
			if m.To == fine.coord.Email {
				got++
			}
		}
		if got != 1 {
			t.Fatalf("the other coordinator got %d digests", got)
		}
	})
}

// TestTwoWorkersSendEachReminderOnce runs two workers, each with its own
// connection pool as two instances would have, against one database with
// many reminders due, and counts the emails.
func TestTwoWorkersSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, dsn string) {
		ctx := context.Background()
		db1, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db1.Close()
		if err := db1.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db2, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		e := newRemindEnv(t, db1)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		const pairs = 25
		var mentors, mentees []*account.User
		at := start.Add(30 * time.Hour)
		for i := 0; i < pairs; i++ {
			mentor, mentee := e.user(account.RoleMember, "nb"), e.user(account.RoleMember, "en")
			p := e.pair(prog, coord, mentor, mentee)
			e.meeting(p.ID, "confirmed", at)
			mentors, mentees = append(mentors, mentor), append(mentees, mentee)
		}
		e.clk.Set(at.Add(-MeetingAhead))
		var before int
		db1.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&before)

		var wg sync.WaitGroup
		errc := make(chan error, 2)
		for i, db := range []*store.DB{db1, db2} {
			w := e.worker(db, fmt.Sprintf("instance-%d", i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				// While the other instance holds the last jobs there is
				// nothing to claim; wait for it rather than give up.
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
					if err := w.Schedule(ctx); err != nil {
						errc <- err
						return
					}
					n, err := w.RunOnce(ctx)
					if err != nil {
						errc <- err
						return
					}
					var left int
					db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND gave_up_at IS NULL`).Scan(&left)
					if n == 0 && left == 0 {
						return
					}
					if n == 0 {
						time.Sleep(10 * time.Millisecond)
					}
				}
				errc <- fmt.Errorf("jobs never ran out")
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			rows, _ := db1.Query(ctx, `SELECT kind, key, attempts, last_error FROM jobs WHERE done_at IS NULL`)
			for rows.Next() {
				var kind, key, last string
				var n int
				rows.Scan(&kind, &key, &n, &last)
				t.Logf("left: %s %s %d %s", kind, key, n, last)
			}
			rows.Close()
			t.Fatal(err)
		}
		rows, err := db1.Query(ctx, `SELECT to_email, COUNT(*) FROM outbox WHERE id > ? GROUP BY to_email`, before)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for rows.Next() {
			var to string
			var n int
			rows.Scan(&to, &n)
			got[to] = n
		}
		rows.Close()
		for i := range mentors {
			// The mentor is told about the meeting; the mentee about the
			// meeting and the empty agenda. Exactly once each.
			if got[mentors[i].Email] != 1 || got[mentees[i].Email] != 2 {
				t.Fatalf("pair %d: mentor %d, mentee %d emails", i, got[mentors[i].Email], got[mentees[i].Email])
			}
		}
		var jobsDone int
		db1.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND done_at IS NOT NULL
			AND (key LIKE 'remind:meeting_tomorrow:%' OR key LIKE 'remind:agenda:%')`, JobSend).Scan(&jobsDone)
		if jobsDone != 3*pairs {
			t.Fatalf("%d reminder jobs done, want %d", jobsDone, 3*pairs)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, filepath.Join(t.TempDir(), "shared.db")) })
	if dsn := os.Getenv(storetest.EnvPostgres); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			fresh, drop := storetest.FreshSchema(t, dsn)
			t.Cleanup(drop)
			run(t, fresh)
		})
	}
}

// TestQueuedRemindersStopWithTheMeeting queues meeting reminders and then
// calls the meetings off, one by the pair's ending and one by hand: neither
// reminder is sent, and a later scan queues nothing for them, while the
// meeting that still stands is reminded of.
func TestQueuedRemindersStopWithTheMeeting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		ended, cancelled, stands := e.scene(), e.scene(), e.scene()
		at := start.Add(3 * 24 * time.Hour)
		endedM := e.meeting(ended.pair.ID, "confirmed", at)
		cancelledM := e.meeting(cancelled.pair.ID, "confirmed", at)
		e.meeting(stands.pair.ID, "confirmed", at)
		e.clk.Set(at.Add(-MeetingAhead))
		if n, err := Scan(ctx, db, e.clk.Now()); err != nil || n != 9 {
			t.Fatalf("queued %d reminders, want 9 (3 pairs × 2 meeting + 1 agenda): %v", n, err)
		}
		if err := e.progs.EndPair(ctx, ended.coord, ended.prog.ID, ended.pair.ID); err != nil {
			t.Fatal(err)
		}
		if e.count(`SELECT COUNT(*) FROM meetings WHERE id = ? AND status = 'cancelled' AND ended_with_pair = ?`, endedM, true) != 1 {
			t.Fatal("the ending did not call the meeting off")
		}
		if _, err := db.Exec(ctx, `UPDATE meetings SET status = 'cancelled', sequence = sequence + 1 WHERE id = ?`, cancelledM); err != nil {
			t.Fatal(err)
		}
		before := len(e.mails(db))
		drain(t, e.worker(db, "w"))
		sent := map[string]int{}
		for _, m := range e.mails(db)[before:] {
			sent[m.To]++
		}
		for _, u := range []*account.User{ended.mentor, ended.mentee, cancelled.mentor, cancelled.mentee} {
			if sent[u.Email] != 0 {
				t.Fatalf("%s was reminded of a meeting called off", u.Email)
			}
		}
		if sent[stands.mentor.Email] != 1 || sent[stands.mentee.Email] != 2 {
			t.Fatalf("the meeting that stands was not reminded of: %v", sent)
		}
		e.clk.Advance(time.Hour)
		if n, err := Scan(ctx, db, e.clk.Now()); err != nil || n != 0 {
			t.Fatalf("a later scan queued %d: %v", n, err)
		}
	})
}
