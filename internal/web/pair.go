package web

import (
	"context"
	"net/http"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
	"mentorskap/internal/pairhome"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/store"
)

func (s *Server) pairRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}", s.requireUser(s.pairHome))
}

// homeActions and homeTimeline are how many open action items and past
// meetings the home page lists (see pairhome).
const (
	homeActions  = pairhome.Actions
	homeTimeline = pairhome.Timeline
)

// pairHome is everything the pair's home page shows: what pairhome reads,
// the names and cards of the people, and the review offer.
type pairHome struct {
	*pairhome.Home
	Names string
	// Review offers the agreement review meeting while the follow-up is
	// open; nil otherwise.
	Review *reviewOffer
	// Cards are the pair's people, mentors first: who they are in the
	// program, with their pictures.
	Cards []personCard
	// parts and answers are what the cards are made from: each member's
	// participation and the answers they share with their partner.
	parts   map[int64]program.MemberCard
	answers map[int64][]question.Shown
	// LaterRows and TimelineRows are Home's Later and Timeline as the
	// pair's page prints them (see meetingRow); the start page's cards
	// have none.
	LaterRows    []meetingRow
	TimelineRows []meetingRow
	// contacts are the program's coordinators, read with the rest for a
	// member, whose page shows them (see Page.Contacts).
	contacts []program.Coordinator
}

// laterShown is how many further booked meetings the pair's page lists
// after the next one: a pair that has proposed many times over should
// not find its page a long list, and the meetings page has them all.
const laterShown = 4

// meetingRows words the home's further meetings and timeline for p's
// viewer.
func (h *pairHome) meetingRows(p *Page) {
	h.LaterRows = make([]meetingRow, len(h.Later))
	for i := range h.Later {
		m := &h.Later[i]
		h.LaterRows[i] = newMeetingRow(p, m, m.Status)
	}
	h.TimelineRows = make([]meetingRow, len(h.Timeline))
	for i := range h.Timeline {
		m := &h.Timeline[i]
		h.TimelineRows[i] = newMeetingRow(p, m, m.State(h.Now))
		h.TimelineRows[i].Notes = h.ShowAgenda && h.Agenda[m.ID].Notes
	}
}

// loadPairHome reads the home page of a pair for actor with q (see
// pairhome.Load), with the cards of its people and the answers they share
// with their partner in lang, all read together; members are offered the
// review meeting too.
func loadPairHome(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, lang string) (*pairHome, error) {
	ph := &pairHome{}
	parts := map[int64]map[int64]program.MemberCard{}
	answers := map[int64][]question.Shown{}
	var inFollowup bool
	h, err := pairhome.Load(ctx, q, actor, pairID, now, laterShown, func(a *meeting.Access, r *store.Reads) {
		program.ReadCardsOfPair(r, pairID, parts)
		question.ReadForPartners(r, a.Pair.ProgramID, memberIDs(a.Pair), lang, answers)
		if a.Member() && a.Pair.Allows(now, program.ActFollowUp) {
			evaluation.ReadFollowupOpen(r, pairID, now, &inFollowup)
		}
		if a.Member() {
			program.ReadContacts(r, actor, a.Pair.ProgramID, &ph.contacts)
		}
	}, func(h *pairhome.Home, ms []meeting.Meeting) error {
		p := h.Access.Pair
		if ph.Review = newReviewOffer(p, ms, now, inFollowup); ph.Review == nil || h.LaterMore == 0 {
			return nil
		}
		// The review meeting may be among the meetings ahead not read.
		all, err := meeting.ForPair(ctx, q, p.ID)
		ph.Review.Meeting = meeting.ReviewOf(all)
		return err
	})
	if err != nil {
		return nil, err
	}
	ph.Home = h
	ph.parts, ph.answers = parts[pairID], answers
	return ph, nil
}

// memberIDs lists the pair's people, mentors first.
func memberIDs(p *program.Pair) []int64 {
	var ids []int64
	for _, list := range [][]program.PairMember{p.Mentors, p.Mentees} {
		for _, m := range list {
			ids = append(ids, m.UserID)
		}
	}
	return ids
}

// loadPairCards reads what the start page's cards of running pairs show
// (pairhome.LoadCards): no goals, late changes or review offer. It sends
// also's reads with its own.
func loadPairCards(ctx context.Context, q store.Q, actor *account.User, pairIDs []int64, now time.Time, also *store.Reads) (map[int64]*pairHome, error) {
	hs, err := pairhome.LoadCards(ctx, q, actor, pairIDs, now, also)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*pairHome, len(hs))
	for id, h := range hs {
		out[id] = &pairHome{Home: h}
	}
	return out, nil
}

func (s *Server) pairHome(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	h, err := loadPairHome(r.Context(), s.DB, httpx.User(r), pairID, s.Clock.Now(), l.Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h.Names = pairNames(l, h.Access.Pair, h.Access.Viewer)
	h.Cards = pairCards(withFormerNames(l, h.Access.Pair), h.parts, 0)
	for k := range h.Cards {
		h.Cards[k].Answers = h.answers[h.Cards[k].UserID]
	}
	p := s.newPage(w, r, h)
	if h.Access.Member() {
		p.knownContacts(h.Access.Pair.ProgramID, h.contacts)
	}
	h.meetingRows(p)
	s.renderPage(w, r, http.StatusOK, "pair_home", p)
}
