package dashboard

import (
	"context"
	"os"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestPlanTmp(t *testing.T) {
	db := storetest.SQLite(t)
	var prog int64
	db.Tx(context.Background(), func(tx *store.Tx) error {
		s := &seed{t: t, db: tx}
		prog = s.program(s.user("C", "coordinator"))
		for i := range 10000 {
			created := jan1.AddDate(0, 0, i%20)
			p, people := s.pair(prog, "M", "N", created)
			s.version(p, 1, people, created.Add(time.Hour), created.Add(2*time.Hour))
			for m := range 5 {
				s.meeting(p, "confirmed", created.AddDate(0, 0, m*(10+i%9)))
			}
			s.checkpoint(p, "chemistry", created.AddDate(0, 0, 20), people[:1], "yes")
		}
		return nil
	})
	if os.Getenv("IDX") != "" {
		db.Tx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), os.Getenv("IDX"))
			if err != nil { t.Fatal(err) }
			_, err = tx.Exec(context.Background(), "ANALYZE")
			return err
		})
	}
	pr, _ := programGet(db, prog)
	for _, q := range []string{"pairs", "members", "meetings", "agreements", "checkpoints"} {
		_ = q
	}
	ctx := context.Background()
	n := time.Now()
	rows, _, _ := loadPairs(ctx, db, prog)
	idx := map[int64]int{}
	for i, r := range rows { idx[r.PairID] = i }
	t.Log("pairs", time.Since(n)); n = time.Now()
	m, _ := loadMembers(ctx, db, prog, rows, idx)
	t.Log("members", time.Since(n)); n = time.Now()
	f, _ := loadMeetings(ctx, db, prog, now, rows, idx)
	t.Log("meetings", time.Since(n)); n = time.Now()
	loadAgreements(ctx, db, prog, rows, idx)
	t.Log("agreements", time.Since(n)); n = time.Now()
	loadCheckpoints(ctx, db, prog, now, rows, idx, m, f)
	t.Log("checkpoints", time.Since(n)); n = time.Now()
	load(ctx, db, pr, now)
	t.Log("all", time.Since(n)); n = time.Now()
	r, _ := db.Query(ctx, `EXPLAIN QUERY PLAN SELECT m.pair_id,
		SUM(CASE WHEN m.status = 'confirmed' AND m.starts_at <= ? THEN 1 ELSE 0 END)
		FROM meetings m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? GROUP BY m.pair_id`, now, prog)
	for r.Next() { var a, b, c int; var d string; r.Scan(&a, &b, &c, &d); t.Log(d) }
	r.Close()
}
