package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/announce"
	"mentorskap/internal/event"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
	"mentorskap/internal/outcome"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// homeActionsPerPair is how many open action items a pair's card on the
// start page lists; the pair's page lists the rest.
const homeActionsPerPair = 5

// homeData is the start page of a logged-in person. It answers "what do I
// do now?": for each running pair the next meeting and the one thing to do
// about it, then what else is open; for each program still waiting on
// them or on a coordinator, where that stands.
type homeData struct {
	Coordinated []program.Summary
	// Applications are the programs the viewer takes part in without a
	// running pair there: applied, approved and waiting for a match, or
	// declined.
	Applications []program.Summary
	Pairs        []homePair // active pairs only
	// Ended pairs stay readable; without a link here their pages could be
	// found only through the email that said they had ended.
	Ended     []program.Pair
	CanCreate bool
	// Outcomes are the follow-up questionnaires waiting for the viewer's
	// answer (internal/outcome); only people with an ended pair have any.
	Outcomes []outcome.Survey
	// Events are the gatherings ahead in the viewer's programs (package
	// event), read in one statement.
	Events []event.Upcoming
	// Announcements are what coordinators have sent the viewer lately and
	// they have not put away (one query).
	Announcements []announce.Announcement
}

// homePair is one running pair as its member sees it on the start page.
type homePair struct {
	H     *pairHome
	Names string
	Cards []personCard // the people on the other side
	// Primary is the one thing to do next; nil when nothing waits on the
	// viewer (their proposal waits for the other side).
	Primary *homeStep
	// Waiting is set while the viewer's own proposal waits for an answer.
	Waiting bool
}

// homeStep is a pair's next step: the words of its button and where it
// leads.
type homeStep struct {
	Key, Path string
}

// Actions is the first few open action items of the pair.
func (p homePair) Actions() []meeting.ActionItem {
	return p.H.Actions[:min(len(p.H.Actions), homeActionsPerPair)]
}

// MoreActions counts the pair's open items the card does not list.
func (p homePair) MoreActions() int {
	return max(len(p.H.Actions)-homeActionsPerPair, 0) + p.H.MoreActions
}

// nextStep decides the pair's one primary action for its member, from the
// facts the pair's page reads. The order is the order of urgency: a
// proposal waiting for this person blocks the pair; then the next meeting's
// agenda (the mentee leads it, the mentor reads it); with nothing booked,
// booking, which the pair's life model must allow.
func nextStep(h *pairHome) (step *homeStep, waiting bool) {
	p, side := h.Access.Pair, h.Access.Viewer.Side
	base := meetingsPath(p.ID)
	if m := h.Next; m != nil {
		mpath := base + "/" + strconv.FormatInt(m.ID, 10)
		if m.Proposed() {
			if p.SideOf(m.ProposedBy) == side {
				return nil, true
			}
			return &homeStep{Key: "pairhome.answer", Path: mpath}, false
		}
		ag := h.NextAgenda()
		switch {
		case side == program.SideMentee && !ag.Prepared():
			return &homeStep{Key: "pairhome.prepare", Path: mpath + "/agenda"}, false
		case side == program.SideMentee:
			return &homeStep{Key: "agenda.edit", Path: mpath + "/agenda"}, false
		case ag.Prepared():
			return &homeStep{Key: "pairhome.read_agenda", Path: mpath + "/agenda"}, false
		}
		return &homeStep{Key: "home.open_meeting", Path: mpath}, false
	}
	if h.CanBook {
		return &homeStep{Key: "meeting.book_next", Path: base + "/new"}, false
	}
	return nil, false
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := httpx.User(r)
	if u == nil {
		if need, err := s.Accounts.NeedsSetup(r.Context()); err == nil && need {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusOK, "welcome", nil)
		return
	}
	// The viewer's programs and pairs are read together: both are theirs.
	var coordinated, participating []program.Summary
	var pairs []program.Pair
	var mine store.Reads
	program.ReadMine(&mine, u, &coordinated, &participating)
	program.ReadPairsForUser(r.Context(), &mine, u.ID, &pairs)
	err := mine.Run(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	now := s.Clock.Now()
	d := homeData{Coordinated: coordinated, CanCreate: u.CanCreatePrograms()}
	paired := map[int64]bool{}
	var running []int64
	for _, p := range pairs {
		// A program where the viewer has or had a pair is past the
		// application stage.
		paired[p.ProgramID] = true
		if p.Active() {
			running = append(running, p.ID)
		}
	}
	// The viewer's announcements, events ahead and the people of all their
	// pairs are read with the cards of all running pairs, in a fixed
	// number of statements (pairhome.LoadCards).
	var rd store.Reads
	announce.ReadForHome(&rd, u.ID, now, &d.Announcements)
	if len(participating) > 0 {
		event.ReadUpcomingFor(&rd, u.ID, now, &d.Events)
	}
	var cards map[int64]*pairHome
	parts := map[int64]map[int64]program.MemberCard{}
	if len(running) > 0 {
		program.ReadCardsOfPairsOf(&rd, u.ID, parts)
		cards, err = loadPairCards(r.Context(), s.DB, u, running, now, &rd)
	} else {
		err = rd.Run(r.Context(), s.DB)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range pairs {
		if !p.Active() {
			d.Ended = append(d.Ended, p)
			continue
		}
		h := cards[p.ID]
		named := withFormerNames(l, h.Access.Pair)
		hp := homePair{H: h, Names: pairNames(l, h.Access.Pair, h.Access.Viewer)}
		hp.Cards = pairCards(named, parts[p.ID], u.ID)
		hp.Primary, hp.Waiting = nextStep(h)
		d.Pairs = append(d.Pairs, hp)
	}
	d.Outcomes = s.homeOutcomes(r, u.ID, len(d.Ended), now)
	for _, sm := range participating {
		if sm.Status != "approved" || !paired[sm.ID] {
			d.Applications = append(d.Applications, sm)
		}
	}
	s.render(w, r, http.StatusOK, "home", d)
}
