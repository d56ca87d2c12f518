// Package pairhome reads what a pair's home shows, for the page and the API
// alike, with a fixed number of queries however long the pair's history.
package pairhome

import (
	"context"
	"mentorskap/internal/account"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"slices"
	"time"
)

// Actions is how many open action items the home page lists; the rest
// are one click away in the meetings' notes.
const Actions = 20

// Timeline is how many past meetings the home page lists, newest
// first; the meetings page lists them all.
const Timeline = 50

// Home is everything a pair's home shows, on the page and in the API. It is read with a
// fixed number of queries however long the pair's history is: each part
// comes from one query in the package that owns it.
type Home struct {
	Access *meeting.Access
	Now    time.Time
	Today  string // in the viewer's zone, for overdue action items
	// Next is the first meeting still ahead, confirmed or proposed; nil
	// means no next meeting is booked.
	Next     *meeting.Meeting
	Later    []meeting.Meeting // further booked meetings after Next
	Timeline []meeting.Meeting // meetings that started before now, newest first, at most Timeline
	Past     int               // all meetings that started before now
	Held     int               // meetings held so far
	Agenda   map[int64]meeting.AgendaState
	Late     []meeting.LateCount
	Actions  []meeting.ActionItem // the first Actions open items
	// MoreActions counts the open items not listed.
	MoreActions int
	Goals       []goal.Goal
	// Due is what the viewer has not answered: open now, and to come.
	Due    evaluation.Checks
	Unread int
	// ShowAgenda is set when the viewer may see agenda and notes status:
	// members, and coordinators of a pair whose agreement shares meetings.
	ShowAgenda bool
	// CanBook is set for a member while the pair's stage allows booking.
	CanBook bool
	// Closed is set once the pair has ended or finished.
	Closed bool
}

// NextAgenda is the agenda state of the next meeting.
func (h *Home) NextAgenda() meeting.AgendaState {
	if h.Next == nil {
		return meeting.AgendaState{}
	}
	return h.Agenda[h.Next.ID]
}

// Date reads a calendar date written YYYY-MM-DD, for display in the
// reader's locale; zero when empty or malformed.
func (h *Home) Date(s string) time.Time {
	d, _ := program.ParseDate(s)
	return d
}

// Load reads the home of a pair for actor with q. member, if not nil, is
// called for a member with the pair's meetings as stored (not redacted),
// at the point where the page reads what it adds. Members see
// all of it; the program's coordinators see the agreement's state and
// dates and the meetings (date, length, cancelled or not), and more only
// when the pair's agreement shares it.
func Load(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, member func(*meeting.Access, []meeting.Meeting) error) (*Home, error) {
	a, err := meeting.Open(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	h := &Home{Access: a, Now: now, Today: meeting.Today(now, actor.Timezone), ShowAgenda: a.Details, Closed: a.Pair.StageAt(now).Closed()}
	h.CanBook = a.Member() && a.Pair.Allows(now, program.ActBook)
	ms, err := meeting.ForPair(ctx, q, pairID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ms))
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		a.Redact(&m)
		ids = append(ids, m.ID)
		switch {
		case m.Upcoming(now):
			h.Later = append(h.Later, m)
		case !m.StartsAt.After(now):
			if h.Past++; h.Past <= Timeline {
				h.Timeline = append(h.Timeline, m)
			}
			if m.Held(now) {
				h.Held++
			}
		}
	}
	slices.Reverse(h.Later) // soonest first
	if len(h.Later) > 0 {
		h.Next, h.Later = &h.Later[0], h.Later[1:]
	}
	if h.ShowAgenda {
		if h.Agenda, err = meeting.AgendaStatus(ctx, q, ids); err != nil {
			return nil, err
		}
	}
	if !a.Member() {
		return h, nil
	}
	if h.Late, err = meeting.LateChanges(ctx, q, pairID); err != nil {
		return nil, err
	}
	actions, err := meeting.OpenActionItems(ctx, q, pairID)
	if err != nil {
		return nil, err
	}
	if len(actions) > Actions {
		h.MoreActions = len(actions) - Actions
		actions = actions[:Actions]
	}
	h.Actions = actions
	if h.Goals, err = goal.List(ctx, q, pairID); err != nil {
		return nil, err
	}
	if h.Due, err = evaluation.DueFor(ctx, q, pairID, actor.ID, now); err != nil {
		return nil, err
	}
	if member != nil {
		if err := member(a, ms); err != nil {
			return nil, err
		}
	}
	if a.Terms.MessagesAllowed {
		if h.Unread, err = meeting.Unread(ctx, q, pairID, actor.ID); err != nil {
			return nil, err
		}
	}
	return h, nil
}
