package meeting

import (
	"context"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// BenchmarkMessagesThread opens the newest page of a thread years long
// (2,000 messages): the page reads ThreadPage rows by index, whatever the
// length.
func BenchmarkMessagesThread(b *testing.B) {
	db := storetest.Default(b)
	e := newMsgEnv(b, db)
	ctx := context.Background()
	now := e.clk.Now()
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		for i := range 2000 {
			sender := e.mentee.ID
			if i%2 == 1 {
				sender = e.mentor.ID
			}
			if _, err := tx.Exec(ctx, `INSERT INTO messages (pair_id, sender_id, body, urgent, created_at) VALUES (?, ?, ?, ?, ?)`,
				e.pair.ID, sender, "A short question between meetings, about the next step.", false, now); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		th, err := e.svc.Messages(ctx, e.mentor, e.pair.ID, 0)
		if err != nil || len(th.Messages) != ThreadPage {
			b.Fatal(err)
		}
	}
}
