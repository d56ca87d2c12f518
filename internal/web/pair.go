package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

func (s *Server) pairRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}", s.requireUser(s.pairHome))
}

// homeActions is how many open action items the home page lists; the rest
// are one click away in the meetings' notes.
const homeActions = 20

// homeTimeline is how many past meetings the home page lists, newest
// first; the meetings page lists them all.
const homeTimeline = 50

// pairHome is everything the pair's home page shows. It is read with a
// fixed number of queries however long the pair's history is: each part
// comes from one query in the package that owns it.
type pairHome struct {
	Access *meeting.Access
	Names  string
	Now    time.Time
	Today  string // in the viewer's zone, for overdue action items
	// Next is the first meeting still ahead, confirmed or proposed; nil
	// means no next meeting is booked.
	Next     *meeting.Meeting
	Later    []meeting.Meeting // further booked meetings after Next
	Timeline []meeting.Meeting // meetings that started before now, newest first, at most homeTimeline
	Past     int               // all meetings that started before now
	Held     int               // meetings held so far
	Agenda   map[int64]meeting.AgendaState
	Late     []meeting.LateCount
	Actions  []meeting.ActionItem // the first homeActions open items
	// MoreActions counts the open items not listed.
	MoreActions int
	Goals       []goal.Goal
	// Due is what the viewer has not answered: open now, and to come.
	Due    evaluation.Checks
	Unread int
	// Review offers the agreement review meeting while the follow-up is
	// open; nil otherwise.
	Review *reviewOffer
	// ShowAgenda is set when the viewer may see agenda and notes status:
	// members, and coordinators of a pair whose agreement shares meetings.
	ShowAgenda bool
	// CanBook is set for a member while the pair's stage allows booking.
	CanBook bool
	// Closed is set once the pair has ended or finished.
	Closed bool
	// Cards are the pair's people, mentors first: who they are in the
	// program, with their pictures.
	Cards []personCard
}

// NextAgenda is the agenda state of the next meeting.
func (h *pairHome) NextAgenda() meeting.AgendaState {
	if h.Next == nil {
		return meeting.AgendaState{}
	}
	return h.Agenda[h.Next.ID]
}

// Date reads a calendar date written YYYY-MM-DD, for display in the
// reader's locale; zero when empty or malformed.
func (h *pairHome) Date(s string) time.Time {
	d, _ := program.ParseDate(s)
	return d
}

// loadPairHome reads the home page of a pair for actor with q. Members see
// all of it; the program's coordinators see the agreement's state and
// dates and the meetings (date, length, cancelled or not), and more only
// when the pair's agreement shares it.
func loadPairHome(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time) (*pairHome, error) {
	return readPairHome(ctx, q, actor, pairID, now, false)
}

// loadPairCard reads what the start page's card of a running pair shows:
// the pair's home without its goals, late changes and review offer, which
// only the pair's own page lists (three statements fewer per pair).
func loadPairCard(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time) (*pairHome, error) {
	return readPairHome(ctx, q, actor, pairID, now, true)
}

func readPairHome(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, card bool) (*pairHome, error) {
	a, err := meeting.Open(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	h := &pairHome{Access: a, Now: now, Today: meeting.Today(now, actor.Timezone), ShowAgenda: a.Details, Closed: a.Pair.StageAt(now).Closed()}
	h.CanBook = a.Member() && a.Pair.Allows(now, program.ActBook)
	var ms []meeting.Meeting
	if h.ShowAgenda {
		ms, h.Agenda, err = meeting.ForPairWithAgenda(ctx, q, pairID)
	} else {
		ms, err = meeting.ForPair(ctx, q, pairID)
	}
	if err != nil {
		return nil, err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		a.Redact(&m)
		switch {
		case m.Upcoming(now):
			h.Later = append(h.Later, m)
		case !m.StartsAt.After(now):
			if h.Past++; h.Past <= homeTimeline {
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
	if !a.Member() {
		return h, nil
	}
	if !card {
		if h.Late, err = meeting.LateChanges(ctx, q, pairID); err != nil {
			return nil, err
		}
	}
	actions, err := meeting.OpenActionItems(ctx, q, pairID)
	if err != nil {
		return nil, err
	}
	if len(actions) > homeActions {
		h.MoreActions = len(actions) - homeActions
		actions = actions[:homeActions]
	}
	h.Actions = actions
	if h.Due, err = evaluation.DueFor(ctx, q, pairID, actor.ID, now); err != nil {
		return nil, err
	}
	if !card {
		if h.Goals, err = goal.List(ctx, q, pairID); err != nil {
			return nil, err
		}
		if h.Review, err = loadReviewOffer(ctx, q, a.Pair, ms, now, false); err != nil {
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

func (s *Server) pairHome(w http.ResponseWriter, r *http.Request) {
	pairID, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := loadPairHome(r.Context(), s.DB, user(r), pairID, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h.Names = pairNames(s.locale(r), h.Access.Pair, h.Access.Viewer)
	parts, err := program.CardsOfPair(r.Context(), s.DB, pairID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h.Cards = pairCards(withFormerNames(s.locale(r), h.Access.Pair), parts, 0)
	if err = addPartnerAnswers(r.Context(), s.DB, h.Access.Pair.ProgramID, h.Cards, s.locale(r).Lang()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "pair_home", h)
}
