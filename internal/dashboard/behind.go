package dashboard

import (
	"context"
	"time"

	"mentorskap/internal/health"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Behind lists the running pairs of the program that are behind their
// meeting plan as the dashboard judges them: fewer meetings than the
// program's minimum calls for by now, or longer between meetings than it
// allows. Announcements use it for their "behind" segment. It does not
// check who asks.
func Behind(ctx context.Context, q store.Q, prog *program.Program, now time.Time) ([]int64, error) {
	rows, err := load(ctx, q, prog, now)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range rows {
		if r.Status == program.PairActive && (r.Health.Has(health.BehindPace) || r.Health.Has(health.GapTooLong)) {
			ids = append(ids, r.PairID)
		}
	}
	return ids, nil
}
