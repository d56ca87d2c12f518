package goal

import (
	"context"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// LinkedItem is an action item (from a meeting's notes) that points at a
// goal.
type LinkedItem struct {
	ID        int64
	MeetingID int64
	Text      string
	OwnerName string // "" when nobody or a deleted account owns it
	Due       string // YYYY-MM-DD or ""
	Status    string // open, done or dropped
}

// DueDate is the due date as a time, zero when none is set.
func (i LinkedItem) DueDate() time.Time {
	d, _ := program.ParseDate(i.Due)
	return d
}

// actionItems lists the pair's action items that point at the goal, open
// ones first. The pair id keeps the lookup on the pair's own index.
func actionItems(ctx context.Context, q store.Q, pairID, goalID int64) ([]LinkedItem, error) {
	rows, err := q.Query(ctx, `SELECT a.id, a.meeting_id, a.body, COALESCE(u.name, ''), a.due_date, a.status
		FROM action_items a LEFT JOIN users u ON u.id = a.owner_id
		WHERE a.pair_id = ? AND a.goal_id = ?
		ORDER BY CASE a.status WHEN 'open' THEN 0 ELSE 1 END, a.due_date, a.id`, pairID, goalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkedItem
	for rows.Next() {
		var i LinkedItem
		if err := rows.Scan(&i.ID, &i.MeetingID, &i.Text, &i.OwnerName, &i.Due, &i.Status); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}
