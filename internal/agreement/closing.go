package agreement

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/goal"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// MaxReflectionLen bounds a person's closing reflection.
const MaxReflectionLen = 4000

// Closing is the short summary offered to a pair once it has ended: how
// long it ran, how it ended, how many meetings were held against the
// program's minimum and where its goals stand.
type Closing struct {
	Pair         *program.Pair
	Viewer       program.PairViewer
	Ending       program.Ending // Reason is blank unless the viewer may read it
	PlannedEnd   time.Time      // calendar date
	MeetingsHeld int
	MinMeetings  int
	Goals        []ClosingGoal // for members only: goals are the pair's own
	Reflection   *Reflection   // the viewer's own, for members; nil when none
}

// ByViewer reports whether the person looking ended the pair themselves.
func (c *Closing) ByViewer() bool {
	return c.Ending.How == program.EndedByMember && c.Ending.EndedBy == c.Viewer.UserID
}

// ClosingGoal is where one of the pair's goals stood when it ended.
type ClosingGoal struct {
	Title    string
	Status   string // open, in_progress, reached or dropped
	Progress int    // percent
}

// Reflection is what one person wrote for themselves about the pair's end.
type Reflection struct {
	Body      string
	UpdatedAt time.Time
}

// Closing builds the closing summary of an ended pair for one of its
// members or a coordinator of its program. Coordinators see the dates, how
// the pair ended with the member's reason, and the number of meetings; the
// goals and reflections belong to the pair. A member sees the reason only
// if they wrote it.
func (s *Service) Closing(ctx context.Context, actor *account.User, pairID int64) (*Closing, error) {
	p, v, err := program.ViewPair(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	if p.Active() {
		return nil, errs.E(errs.Conflict, "ending.error.not_ended")
	}
	c := &Closing{Pair: p, Viewer: v}
	e, err := program.GetEnding(ctx, s.DB, pairID)
	switch {
	case errs.Is(err, errs.NotFound):
		// Ended before endings were recorded: only the date is known.
		c.Ending = program.Ending{PairID: pairID}
		if p.EndedAt != nil {
			c.Ending.EndedAt = *p.EndedAt
		}
	case err != nil:
		return nil, err
	default:
		c.Ending = *e
	}
	if !v.Coordinator && !c.ByViewer() {
		c.Ending.Reason = ""
	}
	t, err := TermsFor(ctx, s.DB, pairID)
	if err != nil {
		return nil, err
	}
	c.PlannedEnd, c.MinMeetings = t.End, t.MinMeetings
	// A meeting counts as held when it was confirmed and had begun by the
	// time the pair ended.
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status = 'confirmed' AND starts_at <= ?`,
		pairID, c.Ending.EndedAt).Scan(&c.MeetingsHeld); err != nil {
		return nil, err
	}
	if v.Coordinator {
		return c, nil
	}
	if c.Goals, err = closingGoals(ctx, s.DB, pairID); err != nil {
		return nil, err
	}
	r := Reflection{}
	err = s.DB.QueryRow(ctx, `SELECT body, updated_at FROM pair_reflections WHERE pair_id = ? AND user_id = ?`,
		pairID, actor.ID).Scan(&r.Body, &r.UpdatedAt)
	switch {
	case err == nil:
		c.Reflection = &r
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	return c, nil
}

// closingGoals lists the pair's goals (not their sub-goals) in the pair's
// own order, with the progress the goals page shows: a goal with sub-goals
// shows theirs, not the number stored on the goal itself.
func closingGoals(ctx context.Context, q store.Q, pairID int64) ([]ClosingGoal, error) {
	gs, err := goal.List(ctx, q, pairID)
	if err != nil {
		return nil, err
	}
	var out []ClosingGoal
	for _, g := range gs {
		out = append(out, ClosingGoal{Title: g.Title, Status: g.Status, Progress: g.Progress})
	}
	return out, nil
}

// SaveReflection keeps what a member writes for themselves once their pair
// has ended; nobody else ever reads it. An empty text removes it.
func (s *Service) SaveReflection(ctx context.Context, actor *account.User, pairID int64, body string) error {
	body = strings.TrimSpace(body)
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if !p.Allows(now, program.ActReflect) {
			return errs.E(errs.Conflict, "ending.error.not_ended")
		}
		var v errs.Validation
		v.Check(utf8.RuneCountInString(body) <= MaxReflectionLen, "reflection", "error.too_long", "max", MaxReflectionLen)
		if err := v.Err(); err != nil {
			return err
		}
		if body == "" {
			_, err := tx.Exec(ctx, `DELETE FROM pair_reflections WHERE pair_id = ? AND user_id = ?`, pairID, actor.ID)
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO pair_reflections (pair_id, user_id, body, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (pair_id, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
			pairID, actor.ID, body, now)
		return err
	})
}
