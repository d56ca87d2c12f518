package agreement

import (
	"context"
	"time"

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
	Version           int        // the current version number, 0 when none
	SignedAt          *time.Time // when the current version became active
	Start             time.Time  // calendar date
	End               time.Time  // planned end, calendar date
	MinMeetings       int
	MaxGapDays        int
	MeetingMinMinutes int
	MeetingMaxMinutes int
	CancelNoticeHours int    // 0: no notice agreed
	UrgentRule        string // how urgent requests are handled, in the pair's words
	MessagesAllowed   bool
	CoordinatorSees   string // ShareNothing, ShareAgreed or ShareMeetings
}

// TermsFor reads the terms a pair works under: those of its active
// agreement, else the program's. It does not check who asks.
func TermsFor(ctx context.Context, q store.Q, pairID int64) (Terms, error) {
	p, err := program.GetPair(ctx, q, pairID)
	if err != nil {
		return Terms{}, err
	}
	prog, err := program.Get(ctx, q, p.ProgramID)
	if err != nil {
		return Terms{}, err
	}
	t := Terms{
		PairID: pairID, State: StateNotStarted,
		Start: prog.Start, End: prog.End,
		MinMeetings: prog.MinMeetings, MaxGapDays: prog.MaxGapDays,
		MeetingMinMinutes: prog.MeetingMinMinutes, MeetingMaxMinutes: prog.MeetingMaxMinutes,
		MessagesAllowed: prog.MessagesAllowed, CoordinatorSees: ShareNothing,
	}
	if !p.Active() {
		t.State = StateEnded
	}
	return t, nil
}
