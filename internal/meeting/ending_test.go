package meeting

import (
	"bytes"
	"context"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestEventStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{StatusProposed: ics.EventTentative, StatusConfirmed: ics.EventConfirmed,
		StatusCancelled: ics.EventCancelled} {
		if got := eventStatus(status); got != want {
			t.Errorf("eventStatus(%s) = %s, want %s", status, got, want)
		}
	}
}

// TestEndedPairsMeetingsAreHistory ends a pair with a confirmed meeting and
// a proposal ahead: both are called off, the calendar file the ending email
// attaches is the one the meeting's page serves, and nobody can change the
// meetings or book a new one any more.
func TestEndedPairsMeetingsAreHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		held := e.confirmed(time.Hour)
		e.clk.Advance(2 * time.Hour)
		ahead := e.confirmed(48 * time.Hour)
		open, err := e.svc.Propose(ctx, e.mentee, e.pair.ID, at(e.clk.Now(), 9, "17:00", "Asia/Jakarta"))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.progs.EndPair(ctx, e.coord, e.prog.ID, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		p, err := program.GetPair(ctx, db, e.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		off, err := program.ReadCalledOff(ctx, db, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(off.Meetings) != 2 || off.Meetings[0].ID != ahead.ID || off.Meetings[1].ID != open.ID {
			t.Fatalf("called off %+v, want the two meetings ahead", off.Meetings)
		}
		if m, _ := Get(ctx, db, held.ID); !m.Confirmed() || m.Sequence != held.Sequence {
			t.Fatalf("the held meeting changed: %+v", m)
		}
		for _, lang := range []string{"nb", "id"} {
			l := e.bundle.Locale(lang)
			const link = "https://mentor.example.org/pairs/1/meetings/2"
			for i, c := range off.Meetings {
				m, err := Get(ctx, db, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				page := ics.Calendar("", []ics.CalendarEvent{EventFor(m, l, "Ayu Lestari", link)})
				mail := ics.Calendar("", []ics.CalendarEvent{off.Meetings[i].Event(l, "Ayu Lestari", link)})
				if !bytes.Equal(page, mail) {
					t.Fatalf("the emailed calendar file differs from the page's:\n%s\n---\n%s", mail, page)
				}
				if !m.Cancelled() || !m.EndedWithPair {
					t.Fatalf("meeting %d: %+v", m.ID, m)
				}
			}
		}
		d, err := e.svc.Get(ctx, e.mentor, e.pair.ID, ahead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.CanCancel || d.CanMove || d.CanAccept || d.CanCounter {
			t.Fatalf("an ended pair's meeting offers changes: %+v", d)
		}
		if last := d.History[len(d.History)-1]; last.Kind != "pair_ended" || last.UserID != 0 || last.Late {
			t.Fatalf("history ends with %+v", last)
		}
		_, err = e.svc.Cancel(ctx, e.mentor, e.pair.ID, ahead.ID, "no longer needed")
		mustKind(t, err, errs.Conflict, "meeting.error.pair_ended")
		_, err = e.svc.Accept(ctx, e.mentor, e.pair.ID, open.ID, -1)
		mustKind(t, err, errs.Conflict, "meeting.error.pair_ended")
		_, err = e.svc.Propose(ctx, e.mentor, e.pair.ID, at(e.clk.Now(), 3, "10:00", "Europe/Oslo"))
		mustKind(t, err, errs.Conflict, "meeting.error.pair_ended")
		if n := e.count(`SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status <> 'cancelled' AND starts_at > ?`,
			e.pair.ID, e.clk.Now()); n != 0 {
			t.Fatalf("%d live meetings ahead", n)
		}
	})
}
