package meeting

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Action item states.
const (
	ActionOpen    = "open"
	ActionDone    = "done"
	ActionDropped = "dropped"
)

// What a meeting decides about an action item agreed at an earlier one.
const (
	OutcomeDone    = "done"
	OutcomeCarried = "carried" // still open, reviewed again next time
	OutcomeDropped = "dropped"
)

// Limits on action items: one line of who does what, and a bound on how
// many one meeting can hand out.
const (
	MaxActionText        = 500
	MaxActionsPerMeeting = 50
)

// ActionItem is something one person on the pair does before a coming
// meeting.
type ActionItem struct {
	ID, PairID, MeetingID int64
	MeetingAt             time.Time // when the meeting that agreed it starts
	Text                  string
	OwnerID               int64 // 0 when the owner's account is gone
	OwnerName             string
	Due                   string // YYYY-MM-DD, or "" for no date
	GoalID                int64  // 0 when not linked to a goal
	GoalTitle             string
	Status                string
	ClosedMeetingID       int64 // the meeting that marked it done or dropped
	Carried               int   // how many meetings carried it over
	// Outcome is what the meeting being looked at decided, or "" when it
	// has not reviewed the item (yet).
	Outcome   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports whether the item still waits to be done.
func (a ActionItem) Open() bool { return a.Status == ActionOpen }

// Today is the calendar date (YYYY-MM-DD) at now in time zone tz, the
// viewer's: the day due dates are compared with. An item due today is not
// yet overdue anywhere on the viewer's pages or in their API answers.
func Today(now time.Time, tz string) string {
	return i18n.In(now, tz).Format(program.DateLayout)
}

// ActionOverdue is the one rule for an overdue action item: still open,
// with a due date before today (see Today). An item without a due date is
// never overdue. It takes the item's fields so that lists reading items
// through other packages (a goal's page) apply the same rule.
func ActionOverdue(status, due, today string) bool {
	return status == ActionOpen && due != "" && due < today
}

// Overdue reports whether the item is overdue on the day today.
func (a ActionItem) Overdue(today string) bool { return ActionOverdue(a.Status, a.Due, today) }

// ActionInput is what a person writes for an action item.
type ActionInput struct {
	Text    string
	OwnerID int64
	Due     string // YYYY-MM-DD or ""
	GoalID  int64  // 0 for none
}

// actionSelect reads action items with their owner, goal, the start of the
// meeting that agreed them and how often they were carried over. Its one
// placeholder is the meeting whose review outcome to report (0: none).
const actionSelect = `SELECT a.id, a.pair_id, a.meeting_id, om.starts_at, a.body, COALESCE(a.owner_id, 0),
	COALESCE(ou.name, ''), a.due_date, COALESCE(a.goal_id, 0), COALESCE(g.title, ''), a.status,
	COALESCE(a.closed_meeting_id, 0),
	(SELECT COUNT(*) FROM action_reviews c WHERE c.action_id = a.id AND c.outcome = 'carried'),
	COALESCE(rv.outcome, ''), a.created_at, a.updated_at
	FROM action_items a
	JOIN meetings om ON om.id = a.meeting_id
	LEFT JOIN users ou ON ou.id = a.owner_id
	LEFT JOIN goals g ON g.id = a.goal_id
	LEFT JOIN action_reviews rv ON rv.action_id = a.id AND rv.meeting_id = ?`

func queryActions(ctx context.Context, q store.Q, reviewAt int64, where string, args ...any) ([]ActionItem, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]ActionItem) {
		readActions(r, reviewAt, where, args, func(a ActionItem) { *out = append(*out, a) })
	})
}

func readActions(r *store.Reads, reviewAt int64, where string, args []any, each func(ActionItem)) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var a ActionItem
			if err := rows.Scan(&a.ID, &a.PairID, &a.MeetingID, &a.MeetingAt, &a.Text, &a.OwnerID, &a.OwnerName,
				&a.Due, &a.GoalID, &a.GoalTitle, &a.Status, &a.ClosedMeetingID, &a.Carried, &a.Outcome,
				&a.CreatedAt, &a.UpdatedAt); err != nil {
				return err
			}
			each(a)
		}
		return nil
	}, actionSelect+` WHERE `+where, append([]any{reviewAt}, args...)...)
}

// OpenActionItems lists a pair's open action items, those with the nearest
// due date first and undated ones last, in one query. It does not check who
// asks: callers check first.
func OpenActionItems(ctx context.Context, q store.Q, pairID int64) ([]ActionItem, error) {
	all, err := OpenActionItemsIn(ctx, q, program.OnePair(pairID))
	return all[pairID], err
}

// OpenActionItemsIn lists the open action items of every pair of the set,
// by pair, those with the nearest due date first and undated ones last, in
// one query however many pairs. It does not check who asks: the pair's
// home page and the start page call it after their own check.
func OpenActionItemsIn(ctx context.Context, q store.Q, set program.PairSet) (map[int64][]ActionItem, error) {
	out := map[int64][]ActionItem{}
	var r store.Reads
	ReadOpenActionItems(&r, set, out)
	return out, r.Run(ctx, q)
}

// ReadOpenActionItems queues the read of OpenActionItemsIn, which fills in
// out.
func ReadOpenActionItems(r *store.Reads, set program.PairSet, out map[int64][]ActionItem) {
	cond, args := set.Cond("a.pair_id")
	readActions(r, 0, cond+` AND a.status = 'open'
		ORDER BY a.pair_id, a.due_date = '', a.due_date, a.id`, args, func(a ActionItem) {
		out[a.PairID] = append(out[a.PairID], a)
	})
}

// OwnedOpenActionItems lists the open action items a person owns in the
// given pairs, nearest due date first and undated ones last, at most limit,
// with how many there are in all, in one query. It does not check who asks:
// the home page passes the viewer's own pairs.
func OwnedOpenActionItems(ctx context.Context, q store.Q, ownerID int64, pairIDs []int64, limit int) ([]ActionItem, int, error) {
	if len(pairIDs) == 0 {
		return nil, 0, nil
	}
	args := []any{ownerID}
	for _, id := range pairIDs {
		args = append(args, id)
	}
	items, err := queryActions(ctx, q, 0, `a.owner_id = ? AND a.status = 'open'
		AND a.pair_id IN (?`+strings.Repeat(", ?", len(pairIDs)-1)+`)
		ORDER BY a.due_date = '', a.due_date, a.id`, args...)
	if err != nil {
		return nil, 0, err
	}
	n := len(items)
	if n > limit {
		items = items[:limit]
	}
	return items, n, nil
}

// meetingActions reads the items agreed at meeting m and the items up for
// review at it: those agreed at earlier meetings that are still open or
// that m itself reviewed.
func meetingActions(ctx context.Context, q store.Q, m *Meeting) (agreed, review []ActionItem, err error) {
	var r store.Reads
	readMeetingActions(&r, m, &agreed, &review)
	err = r.Run(ctx, q)
	return agreed, review, err
}

func readMeetingActions(r *store.Reads, m *Meeting, agreed, review *[]ActionItem) {
	// One statement for both lists: the meeting's own items come first, by
	// id, then the earlier ones by meeting and id.
	readActions(r, m.ID, `a.pair_id = ? AND (a.meeting_id = ? OR (a.meeting_id <> ?
		AND (om.starts_at < ? OR (om.starts_at = ? AND om.id < ?))
		AND (a.status = 'open' OR rv.action_id IS NOT NULL)))
		ORDER BY CASE WHEN a.meeting_id = ? THEN 0 ELSE 1 END, om.starts_at, a.id`,
		[]any{m.PairID, m.ID, m.ID, m.StartsAt, m.StartsAt, m.ID, m.ID}, func(a ActionItem) {
			if a.MeetingID == m.ID {
				*agreed = append(*agreed, a)
			} else {
				*review = append(*review, a)
			}
		})
}

func getAction(ctx context.Context, q store.Q, pairID, id, reviewAt int64) (*ActionItem, error) {
	items, err := queryActions(ctx, q, reviewAt, `a.id = ? AND a.pair_id = ?`, id, pairID)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errs.E(errs.NotFound, "actions.error.not_found")
	}
	return &items[0], nil
}

// ActionItems lists a pair's action items for someone who may read its
// notes: all of them, or only the open ones.
func (s *Service) ActionItems(ctx context.Context, actor *account.User, pairID int64, onlyOpen bool) ([]ActionItem, error) {
	if _, err := openDocs(ctx, s.DB, s.Clock.Now(), actor, pairID, 0); err != nil {
		return nil, err
	}
	if onlyOpen {
		return OpenActionItems(ctx, s.DB, pairID)
	}
	return queryActions(ctx, s.DB, 0, `a.pair_id = ? ORDER BY om.starts_at, a.id`, pairID)
}

// MeetingActionItems reads the items agreed at a meeting and those up for
// review at it.
func (s *Service) MeetingActionItems(ctx context.Context, actor *account.User, pairID, meetingID int64) (agreed, review []ActionItem, err error) {
	a, err := openDocs(ctx, s.DB, s.Clock.Now(), actor, pairID, meetingID)
	if err != nil {
		return nil, nil, err
	}
	return meetingActions(ctx, s.DB, a.Meeting)
}

// check trims the input and checks it against the pair: the owner must be
// on the pair and the goal must be the pair's.
func (in ActionInput) check(ctx context.Context, q store.Q, p *program.Pair) (ActionInput, error) {
	var v errs.Validation
	in.Text = strings.TrimSpace(strings.ToValidUTF8(in.Text, "\uFFFD"))
	in.Due = strings.TrimSpace(in.Due)
	v.Check(in.Text != "", "text", "error.required")
	v.Check(utf8.RuneCountInString(in.Text) <= MaxActionText, "text", "error.too_long", "max", MaxActionText)
	v.Check(in.OwnerID != 0, "owner", "actions.error.owner")
	v.Check(in.OwnerID == 0 || p.Has(in.OwnerID), "owner", "actions.error.owner")
	if in.Due != "" {
		_, err := program.ParseDate(in.Due)
		v.Check(err == nil, "due", "actions.error.due")
	}
	if in.GoalID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM goals WHERE id = ? AND pair_id = ?`, in.GoalID, p.ID).Scan(&n); err != nil {
			return in, err
		}
		v.Check(n == 1, "goal", "actions.error.goal")
	}
	return in, v.Err()
}

// AddActionItem records, at a meeting, something one of the pair will do
// before a coming one.
func (s *Service) AddActionItem(ctx context.Context, actor *account.User, pairID, meetingID int64, in ActionInput) (*ActionItem, error) {
	now := s.Clock.Now().UTC()
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		a, err := openForWriting(ctx, tx, now, actor, pairID, meetingID)
		if err != nil {
			return err
		}
		if in, err = in.check(ctx, tx, a.Pair); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM action_items WHERE meeting_id = ?`, meetingID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxActionsPerMeeting {
			return errs.E(errs.Invalid, "actions.error.too_many", "max", MaxActionsPerMeeting)
		}
		return tx.QueryRow(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, goal_id,
			status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`,
			pairID, meetingID, in.Text, in.OwnerID, in.Due, nullID(in.GoalID), actor.ID, now, now).Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	return getAction(ctx, s.DB, pairID, id, 0)
}

// UpdateActionItem changes an open item's text, owner, due date or goal.
// Whether it is done is decided when a meeting reviews it.
func (s *Service) UpdateActionItem(ctx context.Context, actor *account.User, pairID, itemID int64, in ActionInput) (*ActionItem, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		a, err := openForWriting(ctx, tx, now, actor, pairID, 0)
		if err != nil {
			return err
		}
		item, err := getAction(ctx, tx, pairID, itemID, 0)
		if err != nil {
			return err
		}
		if !item.Open() {
			return errs.E(errs.Conflict, "actions.error.closed")
		}
		if in, err = in.check(ctx, tx, a.Pair); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE action_items SET body = ?, owner_id = ?, due_date = ?, goal_id = ?, updated_at = ?
			WHERE id = ? AND pair_id = ?`, in.Text, in.OwnerID, in.Due, nullID(in.GoalID), now, itemID, pairID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return getAction(ctx, s.DB, pairID, itemID, 0)
}

// ReviewActionItem records what meeting meetingID decided about an item
// agreed at an earlier meeting: done or dropped closes it there; carried
// over keeps it open, linked to this meeting by the review, so that the
// next meeting reviews it again. A meeting may change its own decision, but
// not one a later meeting has already built on.
func (s *Service) ReviewActionItem(ctx context.Context, actor *account.User, pairID, meetingID, itemID int64, outcome string) (*ActionItem, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		a, err := openForWriting(ctx, tx, now, actor, pairID, meetingID)
		if err != nil {
			return err
		}
		if outcome != OutcomeDone && outcome != OutcomeCarried && outcome != OutcomeDropped {
			var v errs.Validation
			v.Add("outcome", "error.choice_invalid")
			return v.Err()
		}
		item, err := getAction(ctx, tx, pairID, itemID, meetingID)
		if err != nil {
			return err
		}
		m := a.Meeting
		if !item.MeetingAt.Before(m.StartsAt) && !(item.MeetingAt.Equal(m.StartsAt) && item.MeetingID < m.ID) {
			return errs.E(errs.Invalid, "actions.error.not_reviewable")
		}
		if !item.Open() && item.ClosedMeetingID != m.ID {
			return errs.E(errs.Conflict, "actions.error.closed")
		}
		var later int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM action_reviews r JOIN meetings rm ON rm.id = r.meeting_id
			WHERE r.action_id = ? AND (rm.starts_at > ? OR (rm.starts_at = ? AND rm.id > ?))`,
			itemID, m.StartsAt, m.StartsAt, m.ID).Scan(&later); err != nil {
			return err
		}
		if later > 0 {
			return errs.E(errs.Conflict, "actions.error.reviewed_later")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM action_reviews WHERE action_id = ? AND meeting_id = ?`, itemID, m.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO action_reviews (action_id, meeting_id, outcome, reviewed_by, reviewed_at)
			VALUES (?, ?, ?, ?, ?)`, itemID, m.ID, outcome, actor.ID, now); err != nil {
			return err
		}
		status, closedAt := ActionOpen, sql.NullInt64{}
		if outcome != OutcomeCarried {
			status, closedAt = outcome, sql.NullInt64{Int64: m.ID, Valid: true}
		}
		_, err = tx.Exec(ctx, `UPDATE action_items SET status = ?, closed_meeting_id = ?, updated_at = ? WHERE id = ?`,
			status, closedAt, now, itemID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return getAction(ctx, s.DB, pairID, itemID, meetingID)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
