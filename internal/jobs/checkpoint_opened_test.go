package jobs

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/webhook"
)

// TestCheckpointOpenedWebhook: when a check point's window opens, the
// program's endpoints that want it hear so once, from scans on two
// instances at once and again later, with ids and times only; a program
// without such an endpoint queues nothing.
func TestCheckpointOpenedWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newRemindEnv(t, db)
		s := e.scene()
		quiet := e.scene() // a program with no endpoint
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := webhook.Register(ctx, tx, e.clk.Now(), s.prog.ID, s.coord.ID, "https://hooks.example.org/in",
				[]string{webhook.CheckpointOpened})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		due := e.clk.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
		e.checkpoint(s.pair.ID, "midpoint", due)
		e.checkpoint(quiet.pair.ID, "midpoint", due)

		scanTwice := func() {
			t.Helper()
			var wg sync.WaitGroup
			errc := make(chan error, 2)
			for range 2 {
				wg.Go(func() {
					_, err := Scan(ctx, db, e.clk.Now())
					errc <- err
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatal(err)
				}
			}
			w := e.worker(db, "w")
			for {
				n, err := w.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
		}
		opened := func() []string {
			t.Helper()
			rows, err := db.Query(ctx, `SELECT payload FROM webhook_deliveries WHERE event_type = ? ORDER BY id`, webhook.CheckpointOpened)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var p string
				if err := rows.Scan(&p); err != nil {
					t.Fatal(err)
				}
				out = append(out, p)
			}
			return out
		}

		scanTwice()
		if got := opened(); len(got) != 0 {
			t.Fatalf("events before the window opened: %v", got)
		}
		e.clk.Set(due.Add(-24 * time.Hour))
		scanTwice()
		e.clk.Set(due.Add(-2 * time.Hour))
		scanTwice()
		got := opened()
		if len(got) != 1 {
			t.Fatalf("%d events, want one: %v", len(got), got)
		}
		var msg struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(got[0]), &msg); err != nil {
			t.Fatal(err)
		}
		keys := make([]string, 0, len(msg.Data))
		for k := range msg.Data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if msg.Type != webhook.CheckpointOpened || !slices.Equal(keys, []string{"due_at", "kind", "opened_at", "pair_id", "program_id"}) ||
			msg.Data["kind"] != "midpoint" || msg.Data["pair_id"] != float64(s.pair.ID) || msg.Data["due_at"] != due.Format(time.RFC3339) {
			t.Fatalf("event %s", got[0])
		}
		if n := e.count(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND payload LIKE ?`, JobCheckpointOpened,
			`%"pair_id":`+strconv.FormatInt(quiet.pair.ID, 10)+`,%`); n != 0 {
			t.Fatalf("%d jobs for a program without endpoints", n)
		}
	})
}
