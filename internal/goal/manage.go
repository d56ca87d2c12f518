package goal

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// List gives a pair's goals to one of its members. Goals are the pair's
// own: coordinators get Forbidden, anyone else NotFound.
func (s *Service) List(ctx context.Context, actor *account.User, pairID int64) (*program.Pair, []Goal, error) {
	p, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, nil, err
	}
	gs, err := List(ctx, s.DB, pairID)
	return p, gs, err
}

// Detail is a goal with everything its page shows.
type Detail struct {
	Pair     *program.Pair
	Goal     *Goal
	Parent   *Goal // for a sub-goal
	History  []Event
	Meetings []LinkedMeeting
	// Linkable are the pair's meetings not yet pointing at any goal, newest
	// first, for the form that links one.
	Linkable []LinkedMeeting
	Items    []LinkedItem
}

// LinkedMeeting is a meeting that points at a goal.
type LinkedMeeting struct {
	ID       int64
	StartsAt time.Time
	Minutes  int
	Status   string
}

// Get gives one goal with its sub-goals, history and linked meetings and
// action items to a member of the pair.
func (s *Service) Get(ctx context.Context, actor *account.User, pairID, goalID int64) (*Detail, error) {
	p, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	g, err := get(ctx, s.DB, pairID, goalID)
	if err != nil {
		return nil, err
	}
	d := &Detail{Pair: p, Goal: g}
	if g.ParentID != 0 {
		if d.Parent, err = get(ctx, s.DB, pairID, g.ParentID); err != nil {
			return nil, err
		}
	}
	if d.History, err = history(ctx, s.DB, goalID); err != nil {
		return nil, err
	}
	if d.Meetings, err = meetings(ctx, s.DB, `m.goal_id = ?`, goalID); err != nil {
		return nil, err
	}
	if d.Linkable, err = meetings(ctx, s.DB, `m.pair_id = ? AND m.goal_id IS NULL AND m.status <> 'cancelled'`, pairID); err != nil {
		return nil, err
	}
	if d.Items, err = actionItems(ctx, s.DB, pairID, goalID); err != nil {
		return nil, err
	}
	return d, nil
}

func meetings(ctx context.Context, q store.Q, where string, arg int64) ([]LinkedMeeting, error) {
	rows, err := q.Query(ctx, `SELECT m.id, m.starts_at, m.minutes, m.status FROM meetings m
		WHERE `+where+` ORDER BY m.starts_at DESC, m.id DESC`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkedMeeting
	for rows.Next() {
		var m LinkedMeeting
		if err := rows.Scan(&m.ID, &m.StartsAt, &m.Minutes, &m.Status); err != nil {
			return nil, err
		}
		m.StartsAt = m.StartsAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// Input is a goal as the pair writes it on the goals page.
type Input struct {
	ParentID   int64 // 0 for a top-level goal
	Title      string
	Measure    string
	TargetDate string
}

func (in *Input) clean() {
	in.Title, in.Measure, in.TargetDate = cleanText(in.Title), cleanText(in.Measure), strings.TrimSpace(in.TargetDate)
}

// editable loads the pair for a member who wants to change its goals: an
// ended pair's goals are a record and stay as they were.
func editable(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time) (*program.Pair, error) {
	p, _, err := program.RequirePairMember(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	if !p.Allows(now, program.ActGoals) {
		return nil, errs.E(errs.Conflict, "goal.error.pair_ended")
	}
	return p, nil
}

// Create adds a goal, or a sub-goal under ParentID, written by a member of
// the pair.
func (s *Service) Create(ctx context.Context, actor *account.User, pairID int64, in Input) (*Goal, error) {
	in.clean()
	now := s.Clock.Now().UTC()
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		// Who asks comes first, so that a stranger learns nothing from
		// validation messages.
		if _, err := editable(ctx, tx, actor, pairID, now); err != nil {
			return err
		}
		var v errs.Validation
		checkFields(&v, "", in.Title, in.Measure, in.TargetDate)
		if err := v.Err(); err != nil {
			return err
		}
		var parent sql.NullInt64
		var siblings int
		if in.ParentID != 0 {
			p, err := get(ctx, tx, pairID, in.ParentID)
			if errs.Is(err, errs.NotFound) {
				return errs.E(errs.Invalid, "goal.error.no_parent")
			}
			if err != nil {
				return err
			}
			if p.ParentID != 0 {
				return errs.E(errs.Invalid, "goal.error.too_deep")
			}
			parent = sql.NullInt64{Int64: p.ID, Valid: true}
			if siblings = len(p.SubGoals); siblings >= MaxSubGoals {
				return errs.E(errs.Invalid, "goal.error.too_many_sub_goals", "max", MaxSubGoals)
			}
		} else {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM goals WHERE pair_id = ? AND parent_id IS NULL`, pairID).Scan(&siblings); err != nil {
				return err
			}
			if siblings >= MaxGoals {
				return errs.E(errs.Invalid, "goal.error.too_many", "max", MaxGoals)
			}
		}
		// New goals go after every goal already there, agreement ones included.
		var pos int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM goals WHERE pair_id = ?`, pairID).Scan(&pos); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO goals (pair_id, parent_id, title, measure, target_date, position,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			pairID, parent, in.Title, in.Measure, in.TargetDate, pos, actor.ID, now, now).Scan(&id); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, actor.ID, now, fieldCreated, "", in.Title); err != nil {
			return err
		}
		if parent.Valid {
			return addEvent(ctx, tx, parent.Int64, actor.ID, now, fieldSubGoal, "", in.Title)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return get(ctx, s.DB, pairID, id)
}

// Update is a change to a goal; nil fields stay as they are. Version must
// be the version the change was made from, so that one side's edit never
// silently overwrites the other's.
type Update struct {
	Version    int
	Title      *string
	Measure    *string
	TargetDate *string
	Status     *string
	Progress   *int
}

// Update changes a goal for a member of the pair and writes each changed
// field to its history. The wording of a goal in the active agreement is
// changed through the agreement; a goal whose progress comes from its
// sub-goals takes no progress of its own. Status and progress are kept in
// agreement by settle.
func (s *Service) Update(ctx context.Context, actor *account.User, pairID, goalID int64, in Update) (*Goal, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := editable(ctx, tx, actor, pairID, now); err != nil {
			return err
		}
		g, err := get(ctx, tx, pairID, goalID)
		if err != nil {
			return err
		}
		if in.Version <= 0 {
			return errs.E(errs.Invalid, "goal.error.version_required")
		}
		if in.Version != g.Version {
			return errs.E(errs.Conflict, "goal.error.stale")
		}
		next := *g
		var v errs.Validation
		text := func(field string, p *string, cur *string) {
			if p == nil {
				return
			}
			val := cleanText(*p)
			if val != *cur && g.InAgreement {
				v.Add(field, "goal.error.set_in_agreement")
			}
			*cur = val
		}
		text("title", in.Title, &next.Title)
		text("measure", in.Measure, &next.Measure)
		text("target_date", in.TargetDate, &next.TargetDate)
		checkFields(&v, "", next.Title, next.Measure, next.TargetDate)
		next.OwnStatus, next.OwnProgress = settle(&v, g, in.Status, in.Progress)
		if err := v.Err(); err != nil {
			return err
		}
		next.derive()
		var changes []change
		for _, c := range []change{
			{fieldTitle, g.Title, next.Title},
			{fieldMeasure, g.Measure, next.Measure},
			{fieldTargetDate, g.TargetDate, next.TargetDate},
			{fieldStatus, g.Status, next.Status},
			{fieldProgress, strconv.Itoa(g.OwnProgress), strconv.Itoa(next.OwnProgress)},
		} {
			if c.old != c.new {
				changes = append(changes, c)
			}
		}
		if len(changes) == 0 && next.OwnStatus == g.OwnStatus {
			return nil
		}
		// The version in the WHERE clause refuses a change that raced past
		// the check above on PostgreSQL, where two transactions may read
		// the same version at once.
		res, err := tx.Exec(ctx, `UPDATE goals SET title = ?, measure = ?, target_date = ?, status = ?, progress = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			next.Title, next.Measure, next.TargetDate, next.OwnStatus, next.OwnProgress, now, g.ID, g.Version)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		for _, c := range changes {
			if err := addEvent(ctx, tx, g.ID, actor.ID, now, c.field, c.old, c.new); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return get(ctx, s.DB, pairID, goalID)
}

// settle applies a change of status and progress to goal g and returns the
// status and own progress to store, so that what the goal shows agrees with
// StatusFor by construction:
//
//   - progress alone moves the status with it (a dropped goal stays dropped);
//   - reached sets progress to 100 and not started sets it to 0; in progress
//     needs a progress between 1 and 99, which cannot be made up;
//   - dropped keeps the progress the pair got to;
//   - a goal whose progress comes from its sub-goals takes its status from
//     them too: it can only be dropped, or taken up again at theirs.
//
// A status and a progress sent together must agree; problems go to v. A
// value equal to the goal's current one counts as not sent, so that a form
// (or client) sending the whole goal back with one of them changed is read
// as that one change.
func settle(v *errs.Validation, g *Goal, status *string, progress *int) (string, int) {
	dropped, pct := g.OwnStatus == StatusDropped, g.OwnProgress
	newStatus := status != nil && *status != g.Status
	newProgress := progress != nil && *progress != g.OwnProgress
	if newStatus && !slices.Contains(Statuses, *status) {
		v.Add("status", "goal.error.bad_status")
		newStatus = false
	}
	if newProgress {
		switch {
		case *progress < 0 || *progress > 100:
			v.Add("progress", "goal.error.bad_progress")
		case g.Derived():
			v.Add("progress", "goal.error.progress_derived")
		default:
			pct = *progress
		}
	}
	if newStatus {
		dropped = *status == StatusDropped
		switch {
		case dropped:
		case g.Derived():
			if *status != StatusFor(g.Progress) {
				v.Add("status", "goal.error.status_from_sub_goals")
			}
		case *status == StatusReached:
			if newProgress && pct != 100 {
				v.Add("progress", "goal.error.reached_is_100")
			}
			pct = 100
		case *status == StatusOpen:
			if newProgress && pct != 0 {
				v.Add("progress", "goal.error.not_started_is_0")
			}
			pct = 0
		case pct <= 0 || pct >= 100:
			v.Add("progress", "goal.error.in_progress_range")
		}
	}
	if dropped {
		return StatusDropped, pct
	}
	return StatusFor(pct), pct
}

// Delete removes a goal the pair wrote here, with its sub-goals and history;
// meetings and action items that pointed at it stay and point at nothing.
// Goals still in the agreement cannot be deleted: drop them instead, or
// change the agreement.
func (s *Service) Delete(ctx context.Context, actor *account.User, pairID, goalID int64, version int) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := editable(ctx, tx, actor, pairID, now); err != nil {
			return err
		}
		g, err := get(ctx, tx, pairID, goalID)
		if err != nil {
			return err
		}
		if version <= 0 {
			return errs.E(errs.Invalid, "goal.error.version_required")
		}
		if version != g.Version {
			return errs.E(errs.Conflict, "goal.error.stale")
		}
		if g.InAgreement {
			return errs.E(errs.Conflict, "goal.error.delete_in_agreement")
		}
		for _, sub := range g.SubGoals {
			if sub.InAgreement {
				return errs.E(errs.Conflict, "goal.error.delete_in_agreement")
			}
		}
		res, err := tx.Exec(ctx, `DELETE FROM goals WHERE id = ? AND version = ?`, g.ID, g.Version)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if g.ParentID != 0 {
			return addEvent(ctx, tx, g.ParentID, actor.ID, now, fieldSubGoal, g.Title, "")
		}
		return nil
	})
}

// oneRow turns a versioned write that matched nothing into a Conflict.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.Conflict, "goal.error.stale")
	}
	return nil
}

// LinkMeeting points one of the pair's meetings at one of its goals; a
// meeting pointing at another goal is moved to this one.
func (s *Service) LinkMeeting(ctx context.Context, actor *account.User, pairID, goalID, meetingID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := editable(ctx, tx, actor, pairID, now); err != nil {
			return err
		}
		if err := InPair(ctx, tx, pairID, goalID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE meetings SET goal_id = ? WHERE id = ? AND pair_id = ?`, goalID, meetingID, pairID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.E(errs.Invalid, "goal.error.no_meeting")
		}
		return nil
	})
}

// UnlinkMeeting stops a meeting from pointing at the goal.
func (s *Service) UnlinkMeeting(ctx context.Context, actor *account.User, pairID, goalID, meetingID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := editable(ctx, tx, actor, pairID, now); err != nil {
			return err
		}
		if err := InPair(ctx, tx, pairID, goalID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE meetings SET goal_id = NULL WHERE id = ? AND pair_id = ? AND goal_id = ?`,
			meetingID, pairID, goalID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.E(errs.NotFound, "goal.error.meeting_not_linked")
		}
		return nil
	})
}
