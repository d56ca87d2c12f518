package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestEvaluationRemindersFollowThePlan: reminders nag only about what the
// person can answer now, and a follow-up merged into the mid-point is one
// form, so one reminder, about the mid-point, whose page asks both.
func TestEvaluationRemindersFollowThePlan(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newRemindEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		now := e.clk.Now()
		// Six weeks from signing to the planned end: mid-point after three
		// weeks, and the follow-up, a month in, merged into it.
		end := now.Truncate(24 * time.Hour).Add(42 * 24 * time.Hour)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return evaluation.Replan(ctx, tx, s.pair.ID, evaluation.Timeline{Signed: now, Start: now, End: end,
				Followup: true, Midpoint: true, Final: true})
		}); err != nil {
			t.Fatal(err)
		}
		var mid time.Time
		if err := db.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'midpoint'`, s.pair.ID).Scan(&mid); err != nil {
			t.Fatal(err)
		}
		mid = mid.UTC()
		if k := e.scan(KindEvaluation, s.mentee.ID); len(k) != 0 {
			t.Fatalf("reminded before anything opened: %v", k)
		}
		e.clk.Set(mid.Add(-EvaluationAhead))
		k := e.scan(KindEvaluation, s.mentee.ID)
		if len(k) != 1 || !strings.Contains(k[0], "evaluation-midpoint") {
			t.Fatalf("reminders %v, want one about the mid-point", k)
		}
		e.clk.Set(mid.Add(time.Hour))
		for _, key := range e.scan(KindEvaluation, s.mentee.ID) {
			if strings.Contains(key, "followup") {
				t.Fatalf("reminded of the merged follow-up on its own: %s", key)
			}
		}
	})
}
