package agreement

import (
	"context"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Agreement states, as the coordinator and the pair see them.
const (
	StateNotStarted = "not_started" // no draft saved yet
	StateDrafting   = "drafting"    // a draft nobody has signed
	StateWaiting    = "waiting"     // one side has signed the current version
	StateActive     = "active"      // both sides signed the current version
	StateEnded      = "ended"       // the pair has ended
)

// What a pair's agreement may share with the coordinator beyond the state
// and dates every coordinator sees.
const (
	ShareNothing  = "nothing"   // state, dates and that meetings happened
	ShareAgreed   = "agreement" // also the agreement text
	ShareMeetings = "meetings"  // also the agreement text and meeting agendas and shared notes
)

// Terms are the parts of a pair's agreement that other features follow:
// meetings keep to the agreed length and cancellation notice, messages
// follow the urgent-help rule, and pages show the coordinator only what the
// agreement shares. Until an agreement is signed the program's rules apply.
type Terms struct {
	PairID            int64
	State             string
	Version           int        // the newest version number, 0 when none
	InForce           int        // the version in force (signed by both sides), 0 when none
	Draft             string     // StateDrafting or StateWaiting when newer changes await signatures, else ""
	SignedAt          *time.Time // when the version in force became active
	Start             time.Time  // calendar date
	End               time.Time  // planned end, calendar date
	MinMeetings       int
	MaxGapDays        int
	MeetingMinMinutes int
	MeetingMaxMinutes int
	TypicalMinutes    int    // the agreed usual length; the program's middle until signed
	CancelNoticeHours int    // 0: no notice agreed
	UrgentRule        string // how urgent requests are handled, in the pair's words
	MessagesAllowed   bool
	CoordinatorSees   string // ShareNothing, ShareAgreed or ShareMeetings
}

// TermsFor reads the terms a pair works under: those of the agreement in
// force (the newest version both sides signed), else the program's. Changes
// waiting for signatures do not apply yet. It does not check who asks.
func TermsFor(ctx context.Context, q store.Q, pairID int64) (Terms, error) {
	all, err := TermsOf(ctx, q, program.OnePair(pairID))
	if err != nil {
		return Terms{}, err
	}
	t, ok := all[pairID]
	if !ok {
		return Terms{}, errs.E(errs.NotFound, "pair.error.not_found")
	}
	return t, nil
}

// Standing is one pair, where its agreement stands and the terms the pair
// works under because of it.
type Standing struct {
	Pair   *program.Pair
	Terms  Terms
	Status *Status
}

// StandingOf reads, for every pair of the set, where its agreement stands
// and its terms (see TermsFor), in a fixed number of queries however many
// pairs the set holds. Pairs that no longer exist are absent from the map.
// It does not check who asks.
func StandingOf(ctx context.Context, q store.Q, set program.PairSet) (map[int64]Standing, error) {
	pairs, progs, err := pairsAndPrograms(ctx, q, set)
	if err != nil {
		return nil, err
	}
	cond, args := set.Cond("v.pair_id")
	vs, err := loadVersions(ctx, q, cond, args...)
	if err != nil {
		return nil, err
	}
	byPair := groupByPair(vs)
	out := make(map[int64]Standing, len(pairs))
	for i := range pairs {
		p := &pairs[i]
		prog := progs[p.ProgramID]
		if prog == nil {
			continue // the pair appeared after the programs were read
		}
		st := statusFrom(byPair[p.ID], !p.Active())
		out[p.ID] = Standing{Pair: p, Terms: termsFrom(p.ID, prog, st), Status: st}
	}
	return out, nil
}

// pairsAndPrograms reads the pairs of the set and their programs.
func pairsAndPrograms(ctx context.Context, q store.Q, set program.PairSet) ([]program.Pair, map[int64]*program.Program, error) {
	pairs, err := program.PairsIn(ctx, q, set)
	if err != nil {
		return nil, nil, err
	}
	progs, err := program.ProgramsOf(ctx, q, set)
	return pairs, progs, err
}

// groupByPair groups versions by pair, keeping their order (loadVersions
// lists newest first).
func groupByPair(vs []Version) map[int64][]Version {
	out := map[int64][]Version{}
	for _, v := range vs {
		out[v.PairID] = append(out[v.PairID], v)
	}
	return out
}

// termsFrom works out a pair's terms from its program and where its
// agreement stands.
func termsFrom(pairID int64, prog *program.Program, st *Status) Terms {
	t := Terms{
		PairID: pairID, State: StateNotStarted,
		Start: prog.Start, End: prog.End,
		MinMeetings: prog.MinMeetings, MaxGapDays: prog.MaxGapDays,
		MeetingMinMinutes: prog.MeetingMinMinutes, MeetingMaxMinutes: prog.MeetingMaxMinutes,
		TypicalMinutes:  (prog.MeetingMinMinutes + prog.MeetingMaxMinutes) / 2,
		MessagesAllowed: prog.MessagesAllowed, CoordinatorSees: ShareNothing,
	}
	t.State, t.Draft = st.State, st.Draft
	if st.Current != nil {
		t.Version = st.Current.Number
	}
	if v := st.InForce; v != nil {
		c := v.Content
		t.InForce = v.Number
		at := v.ActiveSince()
		t.SignedAt = &at
		if d, err := program.ParseDate(c.StartDate); err == nil {
			t.Start = d
		}
		if d, err := program.ParseDate(c.EndDate); err == nil {
			t.End = d
		}
		if c.MeetingCount > 0 {
			t.MinMeetings = c.MeetingCount
		}
		// The agreed lengths were inside the program's range when signed;
		// the range still bounds them if the program has narrowed since.
		t.MeetingMaxMinutes = max(min(c.MaxMinutes, prog.MeetingMaxMinutes), prog.MeetingMinMinutes)
		t.TypicalMinutes = max(min(c.TypicalMinutes, t.MeetingMaxMinutes), prog.MeetingMinMinutes)
		t.CancelNoticeHours = c.CancelNoticeHours
		t.UrgentRule = c.UrgentRule
		t.MessagesAllowed = prog.MessagesAllowed && c.InAppMessages
		t.CoordinatorSees = c.CoordinatorSees
	}
	return t
}
