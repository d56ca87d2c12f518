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
	Next *meeting.Meeting
	// NextOptions are the times Next offers (meeting.Options), read with
	// it by LoadCard and LoadCards; nil elsewhere.
	NextOptions []time.Time
	Later       []meeting.Meeting // further booked meetings after Next, as many as Load was asked for
	LaterMore   int               // further booked meetings Later leaves out
	Timeline    []meeting.Meeting // meetings that started before now, newest first, at most Timeline
	Past        int               // all meetings that started before now
	Held        int               // meetings held so far
	Agenda      map[int64]meeting.AgendaState
	Late        []meeting.LateCount
	Actions     []meeting.ActionItem // the first Actions open items
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

// Load reads the home of a pair for actor with q, with at most later
// further meetings after the next one in Later (all of them when later is
// negative; LaterMore counts the rest). also, if not nil, is called once
// actor may open the pair, to queue the page's own reads with the home's,
// which Load then sends together (store.Reads). member, if not nil, is
// called after them for a member, with the pair's meetings as read (as
// stored, not redacted: those before now and the booked ones in Next and
// Later). Members see all of it; the program's
// coordinators see the agreement's state and dates and the meetings
// (date, length, cancelled or not), and more only when the pair's
// agreement shares it.
func Load(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, later int, also func(*meeting.Access, *store.Reads), member func(*Home, []meeting.Meeting) error) (*Home, error) {
	return load(ctx, q, actor, pairID, now, later, also, member, false)
}

// LoadCard reads what the start page's card of a running pair shows: the
// pair's home without its goals and late changes, which only the pair's own
// page lists (statements fewer per pair on a page that shows every pair),
// and of its meetings only the next one (Next, and its state in Agenda):
// a card's Later, Timeline, Past and Held stay empty.
func LoadCard(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time) (*Home, error) {
	return load(ctx, q, actor, pairID, now, 0, nil, nil, true)
}

// LoadCards is LoadCard for each of the pairs with ids, by id, in the same
// number of statements however many pairs there are: each part comes from
// one query for all of them. Each pair is checked as LoadCard checks it;
// the first that actor may not open fails the whole read. also, when not
// nil, holds reads of the caller's to send with the cards' own once every
// pair is checked; LoadCards runs them.
func LoadCards(ctx context.Context, q store.Q, actor *account.User, pairIDs []int64, now time.Time, also *store.Reads) (map[int64]*Home, error) {
	access, err := meeting.OpenEach(ctx, q, actor, pairIDs)
	if err != nil {
		return nil, err
	}
	homes := make(map[int64]*Home, len(pairIDs))
	var ids []int64
	var list []*Home
	for _, id := range pairIDs {
		if homes[id] != nil {
			continue // named twice
		}
		ids = append(ids, id)
		h := newHome(access[id], actor, now)
		homes[id] = h
		list = append(list, h)
	}
	// Read together (store.Reads), with the caller's own: nothing here
	// depends on the rest.
	r := also
	if r == nil {
		r = &store.Reads{}
	}
	next, states := map[int64]*meeting.Meeting{}, map[int64]meeting.AgendaState{}
	options := map[int64][]time.Time{}
	meeting.ReadNextOfPairs(r, program.SomePairs(ids), now, next, states, options)
	mine := readMemberParts(r, list, actor.ID, now)
	if err := r.Run(ctx, q); err != nil {
		return nil, err
	}
	for _, id := range ids {
		homes[id].placeNext(next[id], states, options)
	}
	mine.fill(list, actor.ID)
	return homes, nil
}

// memberParts is what a member of a pair sees on its home besides the
// meetings: its open action items, the check points due to them and the
// messages they have not read, for several pairs at once.
type memberParts struct {
	actions map[int64][]meeting.ActionItem
	due     map[int64]map[int64]evaluation.Checks
	unread  map[int64]int
}

// readMemberParts queues the reads of memberParts for the homes whose
// viewer is a member of the pair, one statement each however many pairs.
func readMemberParts(r *store.Reads, homes []*Home, actorID int64, now time.Time) *memberParts {
	p := &memberParts{actions: map[int64][]meeting.ActionItem{}, unread: map[int64]int{}}
	var members, messages []int64
	for _, h := range homes {
		if h.Access.Member() {
			members = append(members, h.Access.Pair.ID)
			if h.Access.Terms.MessagesAllowed {
				messages = append(messages, h.Access.Pair.ID)
			}
		}
	}
	if len(members) == 0 {
		return p
	}
	set := program.SomePairs(members)
	meeting.ReadOpenActionItems(r, set, p.actions)
	evaluation.ReadDue(r, set, now, &p.due)
	if len(messages) > 0 {
		meeting.ReadUnread(r, program.SomePairs(messages), actorID, p.unread)
	}
	return p
}

// fill puts what was read into the homes whose viewer is a member.
func (p *memberParts) fill(homes []*Home, actorID int64) {
	for _, h := range homes {
		if id := h.Access.Pair.ID; h.Access.Member() {
			h.setActions(p.actions[id])
			h.Due = p.due[id][actorID]
			h.Unread = p.unread[id]
		}
	}
}

func newHome(a *meeting.Access, actor *account.User, now time.Time) *Home {
	h := &Home{Access: a, Now: now, Today: meeting.Today(now, actor.Timezone), ShowAgenda: a.Details, Closed: a.Pair.StageAt(now).Closed()}
	h.CanBook = a.Member() && a.Pair.Allows(now, program.ActBook)
	return h
}

// placeNext sets a card's next meeting (nil for none), redacted for the
// viewer, with its agenda state for those who may see it and the times it
// offers.
func (h *Home) placeNext(m *meeting.Meeting, states map[int64]meeting.AgendaState, options map[int64][]time.Time) {
	if h.ShowAgenda {
		h.Agenda = map[int64]meeting.AgendaState{}
	}
	if m == nil {
		return
	}
	h.Access.Redact(m)
	h.Next = m
	h.NextOptions = meeting.OptionsOf(m, options[m.ID])
	if st, ok := states[m.ID]; ok && h.ShowAgenda {
		h.Agenda[m.ID] = st
	}
}

// place sorts the pair's meetings, as stored and in order of start, into
// the next one, the later ones and the timeline, redacted for the viewer.
func (h *Home) place(ms []meeting.Meeting) {
	now := h.Now
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		h.Access.Redact(&m)
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
}

// setActions keeps the first Actions open items and counts the rest.
func (h *Home) setActions(actions []meeting.ActionItem) {
	if len(actions) > Actions {
		h.MoreActions = len(actions) - Actions
		actions = actions[:Actions]
	}
	h.Actions = actions
}

func load(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, later int, also func(*meeting.Access, *store.Reads), member func(*Home, []meeting.Meeting) error, card bool) (*Home, error) {
	a, err := meeting.Open(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	h := newHome(a, actor, now)
	// What the page shows once who asks is known does not depend on
	// anything else read, so it is read together (store.Reads).
	var r store.Reads
	if also != nil {
		also(a, &r)
	}
	// Meetings and their agenda state in one statement, for those who may
	// see the agenda state; a card reads its next meeting only.
	var ms []meeting.Meeting
	var upTo meeting.UpTo
	var next map[int64]*meeting.Meeting
	var states map[int64]meeting.AgendaState
	var options map[int64][]time.Time
	switch {
	case card:
		next, states, options = map[int64]*meeting.Meeting{}, map[int64]meeting.AgendaState{}, map[int64][]time.Time{}
		meeting.ReadNextOfPairs(&r, program.OnePair(pairID), now, next, states, options)
	case later >= 0:
		// The next meeting and later ones after it.
		meeting.ReadUpTo(&r, pairID, now, 1+later, h.ShowAgenda, &upTo)
	case h.ShowAgenda:
		if ms, h.Agenda, err = meeting.ForPairWithAgenda(ctx, q, pairID); err != nil {
			return nil, err
		}
		h.place(ms)
	default:
		if ms, err = meeting.ForPair(ctx, q, pairID); err != nil {
			return nil, err
		}
		h.place(ms)
	}
	if a.Member() && !card {
		meeting.ReadLateChanges(&r, pairID, &h.Late)
		goal.ReadList(&r, pairID, &h.Goals)
	}
	mine := readMemberParts(&r, []*Home{h}, actor.ID, now)
	if err := r.Run(ctx, q); err != nil {
		return nil, err
	}
	switch {
	case card:
		h.placeNext(next[pairID], states, options)
	case later >= 0:
		ms, h.Agenda = upTo.Meetings, upTo.Agenda
		// The pair's own statement read its booked meetings' starts, so
		// how many are left out needs no count of its own.
		if b, err := program.ReadBooked(a.Pair.Life.Meetings, now); err == nil {
			h.LaterMore = max(0, b.Ahead-(1+later))
		}
		h.place(ms)
	}
	if !a.Member() {
		return h, nil
	}
	mine.fill([]*Home{h}, actor.ID)
	if member != nil {
		if err := member(h, ms); err != nil {
			return nil, err
		}
	}
	return h, nil
}
