package dashboard

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// BenchmarkLoad10k reads the facts of a program of 10,000 pairs, each with
// five meetings, an agreement and a check point, and judges every pair.
func BenchmarkLoad10k(b *testing.B) {
	db := storetest.SQLite(b)
	var prog int64
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		s := &seed{t: b, db: tx}
		coord := s.user("Coordinator", "coordinator")
		prog = s.program(coord)
		for i := range 10000 {
			created := jan1.AddDate(0, 0, i%20)
			p, people := s.pair(prog, fmt.Sprintf("Mentor %05d", i), fmt.Sprintf("Mentee %05d", i), created)
			if i%5 != 0 {
				s.version(p, 1, people, created.Add(time.Hour), created.Add(2*time.Hour))
			}
			for m := range 5 {
				s.meeting(p, "confirmed", created.AddDate(0, 0, m*(10+i%9)))
			}
			s.checkpoint(p, "chemistry", created.AddDate(0, 0, 20), people[:1], "yes")
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	progRow, err := programGet(db, prog)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(context.Background(), db, progRow, now); err != nil {
			b.Fatal(err)
		}
	}
}

func programGet(db *store.DB, id int64) (*program.Program, error) {
	return program.Get(context.Background(), db, id)
}
