package agreement

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// MaxReasonLen bounds the optional note a member leaves for the
// coordinators when ending a pair.
const MaxReasonLen = 2000

// End ends the pair on behalf of one of its members. The other side and
// the program's coordinators are told by email, each in their own language;
// only the coordinators' email carries the reason. Coordinators end pairs
// through program.Service.EndPair instead.
func (s *Service) End(ctx context.Context, actor *account.User, pairID int64, reason string) error {
	return s.EndWith(ctx, actor, pairID, EndRequest{Reason: reason})
}

// EndRequest is what a member may say when ending a pair.
type EndRequest struct {
	Reason    string // for the coordinators only
	NewMentor bool   // a mentee asks to wait for a new mentor; mentors cannot
}

// EndWith is End with the member's whole request.
func (s *Service) EndWith(ctx context.Context, actor *account.User, pairID int64, req EndRequest) error {
	reason := strings.TrimSpace(req.Reason)
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, v, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if err := p.Require(now, program.ActEnd, "ending.error.already_ended"); err != nil {
			return err
		}
		var val errs.Validation
		val.Check(utf8.RuneCountInString(reason) <= MaxReasonLen, "reason", "error.too_long", "max", MaxReasonLen)
		val.Check(!req.NewMentor || v.Side == program.SideMentee, "new_mentor", "ending.error.new_mentor_mentees")
		if err := val.Err(); err != nil {
			return err
		}
		ret := ""
		if req.NewMentor {
			ret = program.ReturnAsked
		}
		closed, err := program.Close(ctx, tx, program.Ending{PairID: p.ID, How: program.EndedByMember, EndedBy: actor.ID, Side: v.Side, Reason: reason, EndedAt: now, Return: ret})
		if err != nil {
			return err
		}
		if !closed {
			return errs.E(errs.Conflict, "ending.error.already_ended")
		}
		if s.Outbox == nil {
			return nil
		}
		prog, err := program.Get(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		off, err := program.ReadCalledOff(ctx, tx, s.Outbox, p)
		if err != nil {
			return err
		}
		link := s.Outbox.Link(ClosingPath(p.ID))
		for _, m := range pairMembers(p) {
			kind := "ending_notice_" + m.Side
			if m.UserID == actor.ID {
				// The one who ended it needs no notice, only the
				// cancelled meetings' files for their calendar.
				if len(off.Meetings) == 0 {
					continue
				}
				kind = "ending_called_off"
			}
			if err := off.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), m.UserID, kind,
				"name", m.Name, "program", prog.Name, "others", p.OtherNames(m.UserID), "link", link); err != nil {
				return err
			}
		}
		coords, err := program.CoordinatorRecipients(ctx, tx, prog)
		if err != nil {
			return err
		}
		kind := "ending_coordinator"
		if reason != "" {
			kind = "ending_coordinator_reason"
		}
		for _, c := range coords {
			if err := s.Outbox.Send(ctx, tx, now, c, kind, "name", c.Name, "program", prog.Name,
				"mentors", program.Names(p.Mentors), "mentees", program.Names(p.Mentees),
				"side", endingSide(v.Side), "reason", reason, "pool", poolNote(req.NewMentor), "link", link); err != nil {
				return err
			}
		}
		return nil
	})
}

// poolNote tells the coordinators where the mentee stands after a member
// ended the pair: waiting for a new mentor only when they asked.
type poolNote bool

func (asked poolNote) Localize(l *i18n.Locale) string {
	if asked {
		return l.T("ending.pool.asked")
	}
	return l.T("ending.pool.not_asked")
}

// endingSide names a side in the email reader's language.
type endingSide string

func (s endingSide) Localize(l *i18n.Locale) string { return l.T("ending.side." + string(s)) }

func pairMembers(p *program.Pair) []program.PairMember {
	return append(append([]program.PairMember(nil), p.Mentors...), p.Mentees...)
}

// ClosingPath is the site path of a pair's closing summary.
func ClosingPath(pairID int64) string {
	return pairPath(pairID) + "/closing"
}

// CloseDue closes every active pair whose planned end date (the agreement's
// end, else the program's) has passed, and returns how many it closed. A
// pair runs through its last day and closes once that day is over in UTC.
//
// It is safe to run from any number of server instances at once: each
// program's due pairs close in one transaction whose conditional UPDATE lets
// only one instance close a given pair, and only that instance sends its
// emails. Both sides are told; each coordinator gets one email per program
// listing the pairs that closed, rather than one per pair on the day a whole
// cohort ends.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	return s.CloseDueIn(ctx, program.ActivePairs())
}

// CloseDueIn is CloseDue for the pairs of one set, such as one program's.
func (s *Service) CloseDueIn(ctx context.Context, set program.PairSet) (int, error) {
	now := s.Clock.Now().UTC()
	due, err := duePairs(ctx, s.DB, set, now)
	if err != nil {
		return 0, err
	}
	// One program that cannot be closed must not keep every other
	// program's pairs open: the failures are collected and reported
	// together.
	var errAll error
	total := 0
	for programID, ids := range due {
		n, err := s.closeProgramDue(ctx, programID, ids, now)
		if err != nil {
			errAll = errors.Join(errAll, fmt.Errorf("program %d: %w", programID, err))
			continue
		}
		total += n
	}
	return total, errAll
}

// duePairs finds the active pairs of the set past their planned end, by
// program, in a fixed number of queries. It reads outside any transaction
// so that the hourly scan never holds the SQLite write lock;
// closeProgramDue checks again under the lock.
func duePairs(ctx context.Context, q store.Q, set program.PairSet, now time.Time) (map[int64][]int64, error) {
	standings, err := StandingOf(ctx, q, set)
	if err != nil {
		return nil, err
	}
	due := map[int64][]int64{}
	for id, st := range standings {
		if st.Pair.Active() && !now.Before(PlannedClose(st.Terms.End)) {
			due[st.Pair.ProgramID] = append(due[st.Pair.ProgramID], id)
		}
	}
	for _, ids := range due {
		slices.Sort(ids)
	}
	return due, nil
}

// PlannedClose is the instant a pair with the given planned end date
// closes: the end of that day in UTC.
func PlannedClose(end time.Time) time.Time {
	y, m, d := end.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

func (s *Service) closeProgramDue(ctx context.Context, programID int64, pairIDs []int64, now time.Time) (int, error) {
	var closed []*program.Pair
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.Get(ctx, tx, programID)
		if err != nil {
			return err
		}
		// Checked again under the lock, for the whole program in a fixed
		// number of queries: the planned end may have moved, or the pair
		// may be gone.
		standings, err := StandingOf(ctx, tx, program.ActivePairsOf(programID))
		if err != nil {
			return err
		}
		for _, id := range pairIDs {
			st, ok := standings[id]
			if !ok || now.Before(PlannedClose(st.Terms.End)) {
				continue
			}
			ok, err = program.Close(ctx, tx, program.Ending{PairID: id, How: program.EndedAsPlanned, EndedAt: now})
			if err != nil {
				return err
			}
			if !ok {
				continue // closed by someone else meanwhile
			}
			p := st.Pair
			closed = append(closed, p)
			if s.Outbox == nil {
				continue
			}
			off, err := program.ReadCalledOff(ctx, tx, s.Outbox, p)
			if err != nil {
				return err
			}
			link := s.Outbox.Link(ClosingPath(id))
			for _, m := range pairMembers(p) {
				if err := off.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), m.UserID, "ending_planned",
					"name", m.Name, "program", prog.Name, "others", p.OtherNames(m.UserID), "link", link); err != nil {
					return err
				}
			}
		}
		if len(closed) == 0 || s.Outbox == nil {
			return nil
		}
		coords, err := program.CoordinatorRecipients(ctx, tx, prog)
		if err != nil {
			return err
		}
		var list strings.Builder
		for _, p := range closed {
			list.WriteString("- " + program.Names(p.Mentors) + " / " + program.Names(p.Mentees) + "\n")
		}
		for _, c := range coords {
			if err := s.Outbox.Send(ctx, tx, now, c, "ending_planned_coordinator", "name", c.Name, "program", prog.Name,
				"pairs", strings.TrimRight(list.String(), "\n"), "link", s.Outbox.Link("/programs/"+strconv.FormatInt(prog.ID, 10)+"/pairs")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(closed), nil
}

// RunCloser runs CloseDue now and then every interval until ctx ends. A
// failed run is logged and retried at the next tick: closing is idempotent.
func (s *Service) RunCloser(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.CloseDue(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("closing pairs at their planned end", "err", err)
		} else if n > 0 {
			log.Info("closed pairs at their planned end", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
