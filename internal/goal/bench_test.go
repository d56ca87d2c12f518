package goal

import (
	"context"
	"fmt"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// BenchmarkList reads a pair at the limits: MaxGoals goals with MaxSubGoals
// sub-goals each (1,050 rows), in the one query the pair's home page uses.
func BenchmarkList(b *testing.B) {
	db := storetest.Default(b)
	e := newGoalEnv(b, db)
	var drafts []Draft
	for i := range MaxGoals {
		d := Draft{Key: fmt.Sprintf("g%d", i), Title: fmt.Sprintf("Goal %d", i), TargetDate: "2026-06-01"}
		for j := range MaxSubGoals {
			d.SubGoals = append(d.SubGoals, Draft{Key: fmt.Sprintf("g%d.%d", i, j), Title: fmt.Sprintf("Step %d", j)})
		}
		drafts = append(drafts, d)
	}
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		return SyncFromAgreement(ctx, tx, e.pair.ID, drafts, e.clk.Now())
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		gs, err := List(ctx, db, e.pair.ID)
		if err != nil || len(gs) != MaxGoals {
			b.Fatal(len(gs), err)
		}
	}
}
