package meeting

import (
	"context"
	"testing"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestReadMemoKeepsTheMeeting checks the meeting a page reads with the
// session (ReadMeeting): Get then sends nothing and answers as a read of
// its own would, a meeting of another pair stays not found through this
// one, and a transaction reads the stored row, not the memo's.
func TestReadMemoKeepsTheMeeting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		id := f.meeting(t, 2, StatusConfirmed)
		fresh, err := Get(context.Background(), db, id)
		if err != nil {
			t.Fatal(err)
		}

		ctx, n := store.WithCounter(WithReadMemo(context.Background()))
		var r store.Reads
		ReadMeeting(ctx, &r, id)
		ReadMeeting(ctx, &r, id+1000) // no such meeting
		if err := r.Run(ctx, db); err != nil {
			t.Fatal(err)
		}
		before := n.Statements()
		got, err := InPair(ctx, db, f.pair.ID, id)
		if err != nil || *got != *fresh {
			t.Fatalf("kept meeting: %+v, %v; want %+v", got, err, fresh)
		}
		got.Place = "changed by the caller"
		if again, _ := Get(ctx, db, id); again.Place != fresh.Place {
			t.Fatalf("a caller's change reached the memo: %q", again.Place)
		}
		if _, err := InPair(ctx, db, f.pair.ID+1, id); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another pair's path: %v", err)
		}
		if _, err := Get(ctx, db, id+1000); !errs.Is(err, errs.NotFound) {
			t.Fatalf("no such meeting: %v", err)
		}
		if sent := n.Statements() - before; sent != 0 {
			t.Fatalf("reads through the memo sent %d statements", sent)
		}

		if _, err := db.Exec(context.Background(), `UPDATE meetings SET place = 'Biblioteket' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			m, err := Get(ctx, tx, id)
			if err == nil && m.Place != "Biblioteket" {
				t.Errorf("a transaction read the memo: %q", m.Place)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
