package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// team creates a pair formed at created with the given sides.
func (e *remindEnv) team(prog *program.Program, coord *account.User, created time.Time, mentors, mentees []*account.User) *program.Pair {
	e.t.Helper()
	ctx := context.Background()
	e.clk.Set(created)
	var ids [2][]int64
	for k, side := range [][]*account.User{mentors, mentees} {
		role := []string{program.SideMentor, program.SideMentee}[k]
		for _, u := range side {
			if _, err := e.db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity,
				created_at, updated_at) VALUES (?, ?, ?, 'approved', 3, ?, ?)`, prog.ID, u.ID, role, created, created); err != nil {
				e.t.Fatal(err)
			}
			ids[k] = append(ids[k], u.ID)
		}
	}
	p, err := e.progs.CreatePair(ctx, coord, prog.ID, ids[0], ids[1])
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *remindEnv) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(context.Background(), query, args...); err != nil {
		e.t.Fatal(err)
	}
}

// version saves agreement version number of the pair, signed by signers.
func (e *remindEnv) version(pairID int64, number int, at time.Time, signers map[*account.User]string) {
	e.t.Helper()
	var id int64
	err := e.db.Tx(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(context.Background(), `INSERT INTO agreement_versions (pair_id, number, content, hash, created_at)
			VALUES (?, ?, '{}', ?, ?) RETURNING id`, pairID, number, strings.Repeat("0", 64), at).Scan(&id); err != nil {
			return err
		}
		for u, side := range signers {
			if _, err := tx.Exec(context.Background(), `INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, u.ID, u.Name, side, u.Name, strings.Repeat("0", 64), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// checkpoint schedules a check point and records who answered it.
func (e *remindEnv) checkpoint(pairID int64, kind string, due time.Time, answered ...*account.User) {
	e.t.Helper()
	ctx := context.Background()
	if err := evaluation.Schedule(ctx, e.db, pairID, kind, due); err != nil {
		e.t.Fatal(err)
	}
	var id int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM checkpoints WHERE pair_id = ? AND kind = ?`, pairID, kind).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	for _, u := range answered {
		e.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, id, u.ID, due)
	}
}

// agenda saves an agenda for the meeting with that many topics.
func (e *remindEnv) agenda(meetingID int64, topics int) {
	e.t.Helper()
	e.exec(`INSERT INTO agendas (meeting_id, version, updated_at) VALUES (?, 1, ?)`, meetingID, e.clk.Now())
	for i := range topics {
		e.exec(`INSERT INTO agenda_items (meeting_id, position, source, title) VALUES (?, ?, 'own', ?)`, meetingID, i+1, fmt.Sprint("Topic ", i+1))
	}
}

// TestScanQueuesExactlyWhatIsDue builds pairs in every state a reminder
// depends on and checks that one scan queues exactly the reminders the
// rules call for, each once, with its moment and expiry, and that a second
// scan queues nothing. The expected keys are written out by hand from the
// rules, not computed by the code under test.
func TestScanQueuesExactlyWhatIsDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		day := 24 * time.Hour
		now := start.Add(90 * day)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord) // at most 31 days between meetings
		e.user(account.RoleCoordinator, "en")
		other := e.program(coord)
		e.exec(`UPDATE programs SET max_gap_days = 30 WHERE id = ?`, other.ID)
		person := func() *account.User { return e.user(account.RoleMember, "en") }
		one := func(u *account.User) []*account.User { return []*account.User{u} }

		type want struct {
			at, expires time.Time
		}
		expect := map[string]want{}
		key := func(kind string, u *account.User, object string, at time.Time) string {
			return fmt.Sprintf("remind:%s:%d:%s:%s", kind, u.ID, object, at.UTC().Format("2006-01-02"))
		}
		forPair := func(kind string, p *program.Pair, at, expires time.Time, us ...*account.User) {
			for _, u := range us {
				expect[key(kind, u, fmt.Sprint("pair-", p.ID), at)] = want{at, expires}
			}
		}
		forMeeting := func(kind string, m int64, at time.Time, us ...*account.User) {
			for _, u := range us {
				expect[key(kind, u, fmt.Sprint("meeting-", m), at)] = want{at, at}
			}
		}

		// A: matched two days ago, the first meeting booked exactly two
		// days ahead with its agenda ready. Nothing is due.
		aMentor, aMentee := person(), person()
		a := e.team(prog, coord, now.Add(-2*day), one(aMentor), one(aMentee))
		e.agenda(e.meeting(a.ID, "confirmed", now.Add(2*day)), 1)

		// B: fifteen days old, the mentor alone signed the draft, a
		// proposal (not a confirmed meeting) for tonight. Only the mentee
		// is asked to sign; a proposal gets no meeting or agenda reminder
		// but counts as the next meeting, so no gap warning either.
		bMentor, bMentee := person(), person()
		b := e.team(prog, coord, now.Add(-15*day), one(bMentor), one(bMentee))
		e.version(b.ID, 1, now.Add(-10*day), map[*account.User]string{bMentor: program.SideMentor})
		e.meeting(b.ID, "proposed", now.Add(10*time.Hour))
		forPair(KindUnsigned, b, b.CreatedAt.Add(UnsignedAfter), time.Time{}, bMentee)

		// C: signed, with newer changes the mentee alone signed (the first
		// version stays in force: nobody is asked to sign); a meeting
		// tomorrow with no agenda, the mentor having turned meeting
		// reminders off; the chemistry check answered by the mentor only
		// and overdue; the follow-up due in two days.
		cMentor, cMentee := person(), person()
		c := e.team(prog, coord, now.Add(-20*day), one(cMentor), one(cMentee))
		e.version(c.ID, 1, now.Add(-18*day), map[*account.User]string{cMentor: program.SideMentor, cMentee: program.SideMentee})
		e.version(c.ID, 2, now.Add(-2*day), map[*account.User]string{cMentee: program.SideMentee})
		e.meeting(c.ID, "confirmed", now.Add(-10*day))
		cNext := e.meeting(c.ID, "confirmed", now.Add(20*time.Hour))
		e.checkpoint(c.ID, evaluation.KindChemistry, now.Add(-3*day), cMentor)
		e.checkpoint(c.ID, evaluation.KindFollowup, now.Add(2*day))
		if err := SetEnabled(ctx, db, cMentor.ID, map[string]bool{KindMeeting: false}); err != nil {
			t.Fatal(err)
		}
		forMeeting(KindMeeting, cNext, now.Add(20*time.Hour), cMentee)
		forMeeting(KindAgenda, cNext, now.Add(20*time.Hour), cMentee)
		forPair("evaluation-chemistry-overdue", c, now.Add(-3*day), time.Time{}, cMentee)
		forPair("evaluation-followup", c, now.Add(2*day), time.Time{}, cMentor, cMentee)

		// D: two mentors and one mentee, five days old. Meetings exactly a
		// day ahead (agenda ready), 40 hours ahead (agenda saved without
		// topics), exactly two days ahead (no agenda), one second later
		// (too early), and a cancelled one tomorrow.
		d1, d2, dMentee := person(), person(), person()
		d := e.team(prog, coord, now.Add(-5*day), []*account.User{d1, d2}, one(dMentee))
		dDay := e.meeting(d.ID, "confirmed", now.Add(day))
		e.agenda(dDay, 2)
		dEmpty := e.meeting(d.ID, "confirmed", now.Add(40*time.Hour))
		e.agenda(dEmpty, 0)
		dTwo := e.meeting(d.ID, "confirmed", now.Add(2*day))
		e.meeting(d.ID, "confirmed", now.Add(2*day+time.Second))
		e.meeting(d.ID, "cancelled", now.Add(12*time.Hour))
		forMeeting(KindMeeting, dDay, now.Add(day), d1, d2, dMentee)
		forMeeting(KindAgenda, dEmpty, now.Add(40*time.Hour), dMentee)
		forMeeting(KindAgenda, dTwo, now.Add(2*day), dMentee)

		// E: forty days old, never signed, met 30 and 9 days ago; since
		// then a proposal went unanswered and a meeting was called off, so
		// nothing lies ahead: time to book the next one. The chemistry
		// check is answered by both, the mid-point by nobody and overdue.
		// The mentee turned the unsigned reminder off.
		eMentor, eMentee := person(), person()
		ep := e.team(prog, coord, now.Add(-40*day), one(eMentor), one(eMentee))
		e.meeting(ep.ID, "confirmed", now.Add(-30*day))
		e.meeting(ep.ID, "confirmed", now.Add(-9*day))
		e.meeting(ep.ID, "proposed", now.Add(-4*day))
		e.meeting(ep.ID, "cancelled", now.Add(5*day))
		e.checkpoint(ep.ID, evaluation.KindChemistry, now.Add(-23*day), eMentor, eMentee)
		e.checkpoint(ep.ID, evaluation.KindMidpoint, now.Add(-day))
		if err := SetEnabled(ctx, db, eMentee.ID, map[string]bool{KindUnsigned: false}); err != nil {
			t.Fatal(err)
		}
		forPair(KindBookNext, ep, now.Add(-9*day+BookAfter), time.Time{}, eMentor, eMentee)
		forPair(KindUnsigned, ep, ep.CreatedAt.Add(UnsignedAfter), time.Time{}, eMentor)
		forPair("evaluation-midpoint-overdue", ep, now.Add(-day), time.Time{}, eMentor, eMentee)

		// F: signed, met once 29 days ago: the 31-day limit runs out in two
		// days. The mentor turned gap warnings off. The chemistry check
		// was never opened: it is due a week after that meeting, overdue.
		fMentor, fMentee := person(), person()
		f := e.team(prog, coord, now.Add(-60*day), one(fMentor), one(fMentee))
		e.version(f.ID, 1, now.Add(-50*day), map[*account.User]string{fMentor: program.SideMentor, fMentee: program.SideMentee})
		e.meeting(f.ID, "confirmed", now.Add(-29*day))
		if err := SetEnabled(ctx, db, fMentor.ID, map[string]bool{KindGap: false}); err != nil {
			t.Fatal(err)
		}
		fEnd := now.Add(2 * day)
		forPair(KindGap, f, fEnd, fEnd, fMentee)
		forPair(KindBookNext, f, now.Add(-29*day+BookAfter), time.Time{}, fMentor, fMentee)
		forPair("evaluation-chemistry-overdue", f, now.Add(-29*day+evaluation.ChemistryWindow), time.Time{}, fMentor, fMentee)

		// G: 29 days old without a meeting or a signature: the limit counts
		// from when the pair was formed.
		gMentor, gMentee := person(), person()
		g := e.team(prog, coord, now.Add(-29*day), one(gMentor), one(gMentee))
		forPair(KindGap, g, now.Add(2*day), now.Add(2*day), gMentor, gMentee)
		forPair(KindUnsigned, g, g.CreatedAt.Add(UnsignedAfter), time.Time{}, gMentor, gMentee)

		// H: the same age in the program with a 30-day limit is warned a
		// day earlier: 27 days old, its limit runs out in exactly three
		// days, the first moment of the warning. Under the other program's
		// 31 days it would not be warned yet.
		hMentor, hMentee := person(), person()
		h := e.team(other, coord, now.Add(-27*day), one(hMentor), one(hMentee))
		forPair(KindGap, h, now.Add(3*day), now.Add(3*day), hMentor, hMentee)
		forPair(KindUnsigned, h, h.CreatedAt.Add(UnsignedAfter), time.Time{}, hMentor, hMentee)

		// I: check points at the edges: the follow-up due now (not overdue
		// yet), the final exactly three days ahead (the first moment it is
		// announced), the mid-point a second later (not yet).
		iMentor, iMentee := person(), person()
		i := e.team(prog, coord, now.Add(-10*day), one(iMentor), one(iMentee))
		e.checkpoint(i.ID, evaluation.KindFollowup, now)
		e.checkpoint(i.ID, evaluation.KindFinal, now.Add(EvaluationAhead))
		e.checkpoint(i.ID, evaluation.KindMidpoint, now.Add(EvaluationAhead+time.Second))
		forPair("evaluation-followup", i, now, time.Time{}, iMentor, iMentee)
		forPair("evaluation-final", i, now.Add(EvaluationAhead), time.Time{}, iMentor, iMentee)

		// J: ended, with everything that would be due in a running pair.
		jMentor, jMentee := person(), person()
		j := e.team(prog, coord, now.Add(-60*day), one(jMentor), one(jMentee))
		e.meeting(j.ID, "confirmed", now.Add(-29*day))
		e.meeting(j.ID, "confirmed", now.Add(20*time.Hour))
		e.checkpoint(j.ID, evaluation.KindMidpoint, now.Add(-day))
		e.exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now.Add(-time.Hour), j.ID)

		e.clk.Set(now)
		n, err := Scan(ctx, db, now)
		if err != nil {
			t.Fatal(err)
		}
		got := queuedReminders(t, db)
		var missing, extra []string
		for k := range expect {
			if _, ok := got[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range got {
			if _, ok := expect[k]; !ok {
				extra = append(extra, k)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		if len(missing) > 0 || len(extra) > 0 {
			t.Fatalf("missing %q\nextra %q", missing, extra)
		}
		if n != len(expect) {
			t.Fatalf("scan reported %d queued, want %d", n, len(expect))
		}
		for k, w := range expect {
			r := got[k]
			if !r.At.Equal(w.at) || !r.Expires.Equal(w.expires) {
				t.Errorf("%s: at %v expires %v, want %v and %v", k, r.At, r.Expires, w.at, w.expires)
			}
		}

		// Nothing new on a second look: the keys are taken.
		if n, err := Scan(ctx, db, now); err != nil || n != 0 {
			t.Fatalf("second scan queued %d: %v", n, err)
		}
		if after := queuedReminders(t, db); len(after) != len(got) {
			t.Fatalf("second scan: %d reminders queued, was %d", len(after), len(got))
		}
	})
}

// queuedReminders reads every queued reminder by key.
func queuedReminders(t *testing.T, db *store.DB) map[string]reminder {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT key, payload FROM jobs WHERE kind = ?`, JobSend)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]reminder{}
	for rows.Next() {
		var k, payload string
		if err := rows.Scan(&k, &payload); err != nil {
			t.Fatal(err)
		}
		var r reminder
		if err := json.Unmarshal([]byte(payload), &r); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[k]; dup {
			t.Fatalf("%s queued twice", k)
		}
		out[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
