package meeting

import (
	"context"
	"fmt"
	"slices"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Nudge kinds: the short reminders a coordinator can send to pairs from
// the dashboard. Each is a catalog text ("nudge.text.<kind>"), so every
// member reads it in their own language; the coordinator does not write
// free text, which keeps a nudge a reminder rather than a conversation in
// a thread that is otherwise the pair's alone.
const (
	NudgeBook      = "book"      // book the next meeting
	NudgeAgreement = "agreement" // finish and sign the agreement
	NudgeCheckIn   = "checkin"   // how is it going; the coordinator is there
)

// NudgeKinds lists the kinds in the order a form offers them.
var NudgeKinds = []string{NudgeBook, NudgeAgreement, NudgeCheckIn}

// MaxNudgePairs bounds one nudge: a page of the dashboard.
const MaxNudgePairs = 200

// NudgeResult says what a nudge did: the pairs it reached and those it
// skipped because their stage allows no messages (ended, closing).
type NudgeResult struct {
	Sent    []int64
	Skipped []int64
}

// Nudge writes a reminder of kind into the thread of each chosen pair of a
// program, as from the coordinator, and emails every member in their own
// language. Only pairs whose life stage allows messages are nudged
// (program.Pair.Allows with ActMessage); the others are skipped and
// reported. The coordinator still cannot read the thread: a nudge is
// written, never read back, by them.
func (s *Service) Nudge(ctx context.Context, actor *account.User, programID int64, pairIDs []int64, kind string) (*NudgeResult, error) {
	now := s.Clock.Now().UTC()
	res := &NudgeResult{}
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		var v errs.Validation
		v.Check(slices.Contains(NudgeKinds, kind), "kind", "nudge.error.kind")
		v.Check(len(pairIDs) > 0, "pairs", "nudge.error.none_chosen")
		v.Check(len(pairIDs) <= MaxNudgePairs, "pairs", "nudge.error.too_many", "max", MaxNudgePairs)
		if err := v.Err(); err != nil {
			return err
		}
		var pairs []*program.Pair
		seen := map[int64]bool{}
		for _, id := range pairIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			p, err := program.GetPair(ctx, tx, id)
			if errs.Is(err, errs.NotFound) || (err == nil && p.ProgramID != programID) {
				return errs.E(errs.NotFound, "pair.error.not_found")
			}
			if err != nil {
				return err
			}
			if !p.Allows(now, program.ActMessage) {
				res.Skipped = append(res.Skipped, id)
				continue
			}
			pairs = append(pairs, p)
		}
		if len(pairs) == 0 {
			return errs.E(errs.Conflict, "nudge.error.none_allowed")
		}
		// The stored body is the text in the program's language, for
		// readers that show a message as written (exports); the thread
		// shows each reader their own language from the kind.
		body := "nudge.text." + kind
		if s.Outbox != nil {
			body = s.Outbox.Bundle.Locale(prog.DefaultLanguage).T("nudge.text." + kind)
		}
		for _, p := range pairs {
			if _, err := tx.Exec(ctx, `INSERT INTO messages (pair_id, sender_id, body, urgent, nudge, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, p.ID, actor.ID, body, false, kind, now); err != nil {
				return err
			}
			res.Sent = append(res.Sent, p.ID)
			if err := s.emailNudge(ctx, tx, now, actor, prog, p, kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Service) emailNudge(ctx context.Context, tx *store.Tx, now time.Time, actor *account.User, prog *program.Program, p *program.Pair, kind string) error {
	if s.Outbox == nil {
		return nil
	}
	link := s.Outbox.Link(fmt.Sprintf("/pairs/%d/messages", p.ID))
	for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
		to := program.Recipient(m.Email, m.Name, m.Lang, prog)
		text := s.Outbox.Bundle.Locale(to.Lang).T("nudge.text." + kind)
		if err := s.Outbox.Send(ctx, tx, now, to, "pair_nudge",
			"name", m.Name, "coordinator", actor.Name, "program", prog.Name, "text", text, "link", link); err != nil {
			return err
		}
	}
	return nil
}
