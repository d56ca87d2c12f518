package meeting

import (
	"context"
	"reflect"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestBulkReadersMatchOnePair checks that the readers over every active
// pair group and number each pair's meetings exactly as reading that pair
// alone does, with the pairs' meetings interleaved in time, and leave out
// ended pairs.
func TestBulkReadersMatchOnePair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		mentor2 := e.user("Per Hansen", account.RoleMember, "nb", "UTC")
		e.participant(mentor2, "mentor")
		other, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{mentor2.ID}, []int64{e.outsider.ID})
		if err != nil {
			t.Fatal(err)
		}
		now := e.clk.Now()
		add := func(pairID int64, status string, in time.Duration) int64 {
			t.Helper()
			var id int64
			err := db.Tx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'UTC', 60, ?, ?) RETURNING id`, pairID, "bulk-"+in.String()+"-"+status+"@test",
					status, now.Add(in), now, now).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		add(e.pair.ID, StatusConfirmed, -48*time.Hour)
		add(other.ID, StatusConfirmed, -47*time.Hour)
		add(e.pair.ID, StatusCancelled, -24*time.Hour)
		add(other.ID, StatusConfirmed, -23*time.Hour)
		soon := add(e.pair.ID, StatusConfirmed, 24*time.Hour)
		ready := add(other.ID, StatusConfirmed, 25*time.Hour)
		later := add(e.pair.ID, StatusProposed, 72*time.Hour)
		for _, id := range []int64{soon, ready, later} {
			if _, err := db.Exec(ctx, `INSERT INTO agendas (meeting_id, version, updated_at) VALUES (?, 1, ?)`, id, now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `INSERT INTO agenda_items (meeting_id, position, source, title) VALUES (?, 1, 'own', 'Career')`, ready); err != nil {
			t.Fatal(err)
		}

		all, err := ForPairs(ctx, db, program.ActivePairs())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || len(all[e.pair.ID]) != 4 || len(all[other.ID]) != 3 {
			t.Fatalf("grouped wrong: %d pairs, %d and %d meetings", len(all), len(all[e.pair.ID]), len(all[other.ID]))
		}
		for _, id := range []int64{e.pair.ID, other.ID} {
			one, err := ForPair(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one, all[id]) {
				t.Errorf("pair %d: alone %+v, in bulk %+v", id, one, all[id])
			}
			for i, m := range all[id] {
				if m.PairID != id {
					t.Errorf("pair %d holds meeting %d of pair %d", id, m.ID, m.PairID)
				}
				if want := map[bool]int{true: 0, false: i + 1}[m.Cancelled()]; id == other.ID && m.Number != want {
					t.Errorf("meeting %d of the second pair numbered %d, want %d", m.ID, m.Number, want)
				}
			}
		}
		if n := all[e.pair.ID][3].Number; n != 3 {
			t.Errorf("the first pair's last meeting is number %d, want 3 (one was cancelled)", n)
		}

		// The window is after from, up to and including to.
		st, err := AgendaStatusIn(ctx, db, program.ActivePairs(), now, now.Add(25*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want, err := AgendaStatus(ctx, db, []int64{soon, ready})
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || !reflect.DeepEqual(st, want) || st[soon].Prepared() || !st[ready].Prepared() {
			t.Fatalf("agenda states %+v, want %+v", st, want)
		}
		if st, err := AgendaStatusIn(ctx, db, program.OnePair(other.ID), now.Add(25*time.Hour), now.Add(99*time.Hour)); err != nil || len(st) != 0 {
			t.Fatalf("outside the window: %+v %v", st, err)
		}

		if _, err := db.Exec(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now, other.ID); err != nil {
			t.Fatal(err)
		}
		if all, err := ForPairs(ctx, db, program.ActivePairs()); err != nil || len(all) != 1 || all[other.ID] != nil {
			t.Fatalf("an ended pair among the active: %v", err)
		}
		if one, err := ForPair(ctx, db, other.ID); err != nil || len(one) != 3 {
			t.Fatalf("an ended pair keeps its meetings: %d, %v", len(one), err)
		}
	})
}
