package program

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// A pair's life, written down once. Every page, endpoint and job asks
// Stage.Allows instead of re-deciding from the pair's columns, so a rule
// such as "nothing can be booked once the pair has ended" holds everywhere
// the moment it holds here.
//
//	matched ──draft──▶ drafting ──both sign──▶ signed ──first meeting held──▶ active
//	   │                  │                      │                              │
//	   └──────────────────┴──── end (member, coordinator, rematch, account) ───┴──▶ ended
//	                                         planned end date passes ─────────────▶ finished
type Stage string

const (
	StageMatched  Stage = "matched"  // paired; no agreement drafted yet
	StageDrafting Stage = "drafting" // an agreement drafted, not in force yet
	StageSigned   Stage = "signed"   // an agreement in force; no meeting held yet
	StageActive   Stage = "active"   // an agreement in force and a meeting held
	StageEnded    Stage = "ended"    // closed before its planned end
	StageFinished Stage = "finished" // closed at its planned end
)

// Stages lists the stages in the order a pair moves through them.
var Stages = []Stage{StageMatched, StageDrafting, StageSigned, StageActive, StageEnded, StageFinished}

// Action is something a pair's members or coordinators may do to the pair.
type Action string

const (
	ActBook       Action = "book"       // propose or book a meeting
	ActReschedule Action = "reschedule" // accept, counter, move or cancel a meeting
	ActDraft      Action = "draft"      // prepare or edit the agreement
	ActSign       Action = "sign"       // sign the agreement's current version
	ActFollowUp   Action = "follow_up"  // book the review of the agreement after 30 days
	ActNotes      Action = "notes"      // write agendas, notes and action items
	ActGoals      Action = "goals"      // add and move goals
	ActMessage    Action = "message"    // send a message (the agreement decides too)
	ActAnswer     Action = "answer"     // answer a check point or the chemistry check
	ActEnd        Action = "end"        // end the pair (a member or a coordinator)
	ActRematch    Action = "rematch"    // end without blame after a chemistry concern
	ActReflect    Action = "reflect"    // write one's own closing reflection
)

// live is what a running pair may do at every stage.
var live = []Action{ActBook, ActReschedule, ActDraft, ActNotes, ActGoals, ActMessage, ActAnswer, ActEnd, ActRematch}

var allowed = map[Stage][]Action{
	StageMatched:  live,
	StageDrafting: append([]Action{ActSign}, live...),
	StageSigned:   append([]Action{ActSign, ActFollowUp}, live...),
	StageActive:   append([]Action{ActSign, ActFollowUp}, live...),
	StageEnded:    {ActReflect},
	StageFinished: {ActReflect},
}

// Allows reports whether a pair at this stage permits the action. Who may
// do it (member, side, coordinator) is decided separately, by access.
func (s Stage) Allows(a Action) bool {
	for _, x := range allowed[s] {
		if x == a {
			return true
		}
	}
	return false
}

// Require returns nil when the pair's stage allows the action. Otherwise it
// returns the Conflict the person sees: endedKey, the caller's own words
// for "this pair has ended", or, for a running pair that has not reached
// the step yet, the model's words for what comes first.
func (p *Pair) Require(now time.Time, a Action, endedKey string) error {
	st := p.StageAt(now)
	switch {
	case st.Allows(a):
		return nil
	case st.Closed():
		return errs.E(errs.Conflict, endedKey)
	}
	return errs.E(errs.Conflict, "life.error.not_yet."+string(a))
}

// Closed reports whether the pair's life is over.
func (s Stage) Closed() bool { return s == StageEnded || s == StageFinished }

// Life is what the stage is worked out from, read with the pair.
type Life struct {
	EndedHow string     // EndedBy…, "" while the pair runs
	Versions int        // agreement versions saved
	SignedAt *time.Time // when an agreement first came into force
	Meetings string     // pair_facts.meetings: "c1767261600 p1769940000"
}

// StageAt is the pair's stage at the given moment: a meeting counts as
// held from the second it starts, as everywhere else.
func (p *Pair) StageAt(now time.Time) Stage {
	switch {
	case p.Status != PairActive && p.Life.EndedHow == EndedAsPlanned:
		return StageFinished
	case p.Status != PairActive:
		return StageEnded
	case p.Life.SignedAt != nil && p.Life.held(now):
		return StageActive
	case p.Life.SignedAt != nil:
		return StageSigned
	case p.Life.Versions > 0:
		return StageDrafting
	}
	return StageMatched
}

// held reports whether a confirmed meeting has started by now. The list
// is written by the database's own triggers; one it cannot read counts as
// nothing held rather than failing every page that asks the stage.
func (l Life) held(now time.Time) bool {
	b, err := ReadBooked(l.Meetings, now)
	return err == nil && b.Held > 0
}

// Allows is p.StageAt(now).Allows(a).
func (p *Pair) Allows(now time.Time, a Action) bool { return p.StageAt(now).Allows(a) }

// Booked is what a pair's list of booked meetings says at one moment.
type Booked struct {
	Held              int   // confirmed meetings that have started
	Ahead             int   // confirmed or proposed meetings that have not started
	First, Last, Next int64 // Unix seconds of the first confirmed, the latest held and the next booked meeting; 0 for none
}

// ReadBooked reads pair_facts.meetings, "c1767261600 p1769940000": a
// confirmed or proposed meeting and its start in Unix seconds per word, in
// no particular order (a booking appends its word, migration 0089). A
// meeting counts as held from the second it starts, as everywhere else.
func ReadBooked(list string, now time.Time) (Booked, error) {
	var b Booked
	cut := now.Unix()
	for list != "" {
		var word string
		word, list, _ = strings.Cut(list, " ")
		if len(word) < 2 || (word[0] != 'c' && word[0] != 'p') {
			return b, fmt.Errorf("program: bad meeting %q in pair facts", word)
		}
		at, err := strconv.ParseInt(word[1:], 10, 64)
		if err != nil {
			return b, fmt.Errorf("program: bad meeting %q in pair facts", word)
		}
		confirmed := word[0] == 'c'
		switch {
		case at > cut:
			b.Ahead++
			if b.Next == 0 || at < b.Next {
				b.Next = at
			}
		case confirmed:
			b.Held++
			b.Last = max(b.Last, at)
		}
		if confirmed && (b.First == 0 || at < b.First) {
			b.First = at
		}
	}
	return b, nil
}

// How a pair ended. The relationship is voluntary: a member may end it at
// any moment and owes nobody a reason.
const (
	EndedByMember      = "member"
	EndedByCoordinator = "coordinator"
	EndedAsPlanned     = "planned"
)

// Ending is how and when a pair ended.
type Ending struct {
	PairID  int64
	How     string // EndedByMember, EndedByCoordinator or EndedAsPlanned
	EndedBy int64  // 0 for a planned end, or when the account is gone
	Side    string // the side of the member who ended it, for EndedByMember
	Reason  string // the member's note, meant for the coordinators only
	EndedAt time.Time
	// Return puts mentees back among those waiting for a mentor (pool.go):
	// ReturnAsked for the mentee who ended it, ReturnCoordinator or
	// ReturnRematch for every mentee; "" for none.
	Return string
}

// GetEnding reads the record of a pair's ending. It does not check who asks
// and returns the reason: callers decide who may see it.
func GetEnding(ctx context.Context, q store.Q, pairID int64) (*Ending, error) {
	e := Ending{PairID: pairID}
	var by *int64
	err := q.QueryRow(ctx, `SELECT how, ended_by, side, reason, ended_at FROM pair_endings WHERE pair_id = ?`, pairID).
		Scan(&e.How, &by, &e.Side, &e.Reason, &e.EndedAt)
	if err != nil {
		return nil, store.NotFound(err, "ending.error.not_ended")
	}
	if by != nil {
		e.EndedBy = *by
	}
	return &e, nil
}

// Close is the one way a pair ends, whoever or whatever ends it: it marks
// the pair ended and records how, unless it has ended already, and reports
// whether this call ended it. The pair's meetings still ahead are called
// off with it (callOffMeetings); callers send their own emails, listing
// those meetings through ReadCalledOff. The
// conditional UPDATE is what makes two people (or two server instances)
// ending the same pair at once safe: on PostgreSQL the second waits for the
// first's row lock and then finds nothing left to update.
func Close(ctx context.Context, tx *store.Tx, e Ending) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'active'`, e.EndedAt, e.PairID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	// The matching pool: that the two sides never meet again in a
	// proposal needs nothing recorded (LoadHistory reads it from the
	// pair); whether the mentees wait for a new mentor does.
	if e.Return != "" {
		if err := returnMentees(ctx, tx, e); err != nil {
			return false, err
		}
	}
	var by *int64
	if e.EndedBy != 0 {
		by = &e.EndedBy
	}
	_, err = tx.Exec(ctx, `INSERT INTO pair_endings (pair_id, how, ended_by, side, reason, ended_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.PairID, e.How, by, e.Side, e.Reason, e.EndedAt)
	if err != nil {
		return false, err
	}
	// Nothing can be booked once the pair has ended, and nothing booked
	// before stays live after it.
	if err := callOffMeetings(ctx, tx, e.PairID, e.EndedAt); err != nil {
		return false, err
	}
	// Tell the program's webhooks: the fact and the time, never the reason.
	var programID int64
	if err := tx.QueryRow(ctx, `SELECT program_id FROM pairs WHERE id = ?`, e.PairID).Scan(&programID); err != nil {
		return false, err
	}
	event := webhook.PairEnded
	if e.How == EndedAsPlanned {
		event = webhook.PairFinished
	}
	return true, webhook.Emit(ctx, tx, e.EndedAt, programID, event, map[string]any{
		"pair_id": e.PairID, "program_id": programID, "ended_at": e.EndedAt.UTC().Format(time.RFC3339), "how": e.How})
}
