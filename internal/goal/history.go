package goal

import (
	"context"
	"database/sql"
	"time"

	"mentorskap/internal/store"
)

// Fields an event of a goal's history can name.
const (
	fieldCreated     = "created"
	fieldTitle       = "title"
	fieldMeasure     = "measure"
	fieldTargetDate  = "target_date"
	fieldStatus      = "status"
	fieldProgress    = "progress"
	fieldParent      = "parent"
	fieldInAgreement = "in_agreement"
	fieldSubGoal     = "sub_goal" // a sub-goal was added (new value) or deleted (old value)
)

type change struct{ field, old, new string }

// Event is one change in a goal's history. ByAgreement marks changes made by
// signing an agreement version rather than by a person.
type Event struct {
	ID          int64
	GoalID      int64
	UserID      int64
	UserName    string
	ByAgreement bool
	Field       string
	Old, New    string
	At          time.Time
}

func addEvent(ctx context.Context, q store.Q, goalID, userID int64, at time.Time, field, old, new string) error {
	var by sql.NullInt64
	if userID != 0 {
		by = sql.NullInt64{Int64: userID, Valid: true}
	}
	_, err := q.Exec(ctx, `INSERT INTO goal_events (goal_id, user_id, by_agreement, field, old_value, new_value, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, goalID, by, userID == 0, field, old, new, at)
	return err
}

// history reads a goal's events, newest first. Events of a person deleted
// since stay, shown without a name.
func history(ctx context.Context, q store.Q, goalID int64) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT e.id, e.goal_id, e.user_id, COALESCE(u.name, ''), e.by_agreement, e.field,
		e.old_value, e.new_value, e.at
		FROM goal_events e LEFT JOIN users u ON u.id = e.user_id
		WHERE e.goal_id = ? ORDER BY e.id DESC`, goalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var by sql.NullInt64
		if err := rows.Scan(&e.ID, &e.GoalID, &by, &e.UserName, &e.ByAgreement, &e.Field, &e.Old, &e.New, &e.At); err != nil {
			return nil, err
		}
		e.UserID = by.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}
