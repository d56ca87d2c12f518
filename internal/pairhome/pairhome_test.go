package pairhome_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/demo"
	"mentorskap/internal/meeting"
	"mentorskap/internal/pairhome"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	account.UseCheapHashesForTests()
	os.Exit(storetest.Run(m))
}

// seedDemo seeds the demo program on a clock standing still, and returns
// what it made and that moment.
func seedDemo(t *testing.T, db *store.DB) (*demo.Result, time.Time) {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	res, err := demo.Seed(context.Background(), db, clk)
	if err != nil {
		t.Fatal(err)
	}
	return res, clk.Now()
}

// TestLoadCardsAsLoadCard checks that the start page's cards read together
// are what each pair's card read alone is, for every member of the demo's
// running pairs and for the program's coordinator, and that reading them
// together takes no more statements than reading one.
func TestLoadCardsAsLoadCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, now := seedDemo(t, db)
		viewers := map[string][]int64{} // email → running pairs to show
		rows, err := db.Query(ctx, `SELECT u.email, p.id FROM pairs p JOIN pair_members pm ON pm.pair_id = p.id
			JOIN users u ON u.id = pm.user_id WHERE p.status = 'active' ORDER BY u.email, p.id`)
		if err != nil {
			t.Fatal(err)
		}
		var all []int64
		for rows.Next() {
			var email string
			var id int64
			if err := rows.Scan(&email, &id); err != nil {
				t.Fatal(err)
			}
			viewers[email] = append(viewers[email], id)
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
		rows.Close()
		coordinator := ""
		for _, l := range res.Logins {
			if l.Role == "coordinator" {
				coordinator = l.Email
				viewers[l.Email] = all
			}
		}
		several := false
		withNext, prepared := 0, 0 // cards with a next meeting, and with its agenda prepared
		for email, ids := range viewers {
			u, err := account.ByEmail(ctx, db, email)
			if err != nil {
				t.Fatal(err)
			}
			// Each card alone first: what a card reads once is kept for
			// the next view (agreement.TermsOf), and the cards read
			// together after must still need no more statements.
			alone := 0
			single := map[int64]*pairhome.Home{}
			for _, id := range ids {
				cctx, n := store.WithCounter(program.WithReadMemo(ctx))
				if single[id], err = pairhome.LoadCard(cctx, db, u, id, now); err != nil {
					t.Fatalf("%s, pair %d: %v", email, id, err)
				}
				alone = max(alone, n.Statements())
			}
			// As the start page reads them: after the viewer's pairs,
			// which the read memo keeps.
			mctx := program.WithReadMemo(ctx)
			if _, err := program.PairsForUser(mctx, db, u.ID); err != nil {
				t.Fatal(err)
			}
			mctx, together := store.WithCounter(mctx)
			cards, err := pairhome.LoadCards(mctx, db, u, ids, now, nil)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			for _, id := range ids {
				want := single[id]
				if !reflect.DeepEqual(cards[id], want) {
					t.Errorf("%s, pair %d: together\n%+v\nalone\n%+v", email, id, cards[id], want)
				}
				// A card reads only the next meeting: the one the pair's
				// home, which reads them all, finds next.
				full, err := pairhome.Load(program.WithReadMemo(ctx), db, u, id, now, -1, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(want.Next, full.Next) || !reflect.DeepEqual(want.NextAgenda(), full.NextAgenda()) {
					t.Errorf("%s, pair %d: card's next meeting\n%+v %+v\npair home's\n%+v %+v", email, id, want.Next, want.NextAgenda(), full.Next, full.NextAgenda())
				}
				if want.Next != nil {
					withNext++
					if want.NextAgenda().Prepared() {
						prepared++
					}
				}
			}
			if len(cards) != len(ids) {
				t.Errorf("%s: %d cards for %d pairs", email, len(cards), len(ids))
			}
			// One more statement per further program, for its terms.
			programs := map[int64]bool{}
			for _, h := range cards {
				programs[h.Access.Pair.ProgramID] = true
			}
			if email != coordinator && together.Statements() > alone+len(programs)-1 {
				t.Errorf("%s: %d pairs took %d statements, one alone %d", email, len(ids), together.Statements(), alone)
			}
			several = several || len(ids) > 1
		}
		if !several {
			t.Error("no viewer with several running pairs")
		}
		if withNext == 0 || prepared == 0 {
			t.Errorf("%d cards with a next meeting, %d with its agenda prepared: the demo no longer tries the next meeting", withNext, prepared)
		}
	})
}

// TestLoadLaterBounded checks that a home read with a bound on the further
// meetings is the whole home with Later cut at the bound and LaterMore
// counting the rest: the same next meeting, timeline, counts and numbers,
// for members and the coordinator, with meetings ahead proposed and
// cancelled beyond the bound.
func TestLoadLaterBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, now := seedDemo(t, db)
		var pairID, meetingID int64
		if err := db.QueryRow(ctx, `SELECT p.id, MIN(m.id) FROM pairs p JOIN meetings m ON m.pair_id = p.id
			WHERE p.status = 'active' GROUP BY p.id ORDER BY p.id LIMIT 1`).Scan(&pairID, &meetingID); err != nil {
			t.Fatal(err)
		}
		// Seven more meetings ahead, every other day from next week, the
		// third of them cancelled.
		for i := range 7 {
			status := "proposed"
			if i == 2 {
				status = "cancelled"
			}
			if _, err := db.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place,
				online_url, proposed_by, sequence, purpose, created_at, updated_at)
				SELECT pair_id, uid || ?, ?, ?, timezone, minutes, place, online_url, proposed_by, sequence, purpose, created_at, updated_at
				FROM meetings WHERE id = ?`, "-later-"+string(rune('a'+i)), status, now.AddDate(0, 0, 7+2*i), meetingID); err != nil {
				t.Fatal(err)
			}
		}
		var emails []string
		rows, err := db.Query(ctx, `SELECT u.email FROM pair_members pm JOIN users u ON u.id = pm.user_id WHERE pm.pair_id = ?`, pairID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				t.Fatal(err)
			}
			emails = append(emails, e)
		}
		rows.Close()
		for _, l := range res.Logins {
			if l.Role == "coordinator" {
				emails = append(emails, l.Email)
			}
		}
		checked := false
		for _, email := range emails {
			u, err := account.ByEmail(ctx, db, email)
			if err != nil {
				t.Fatal(err)
			}
			full, err := pairhome.Load(program.WithReadMemo(ctx), db, u, pairID, now, -1, nil, nil)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			if len(full.Later) < 6 {
				t.Fatalf("%s: %d further meetings, the test wants more than its bounds", email, len(full.Later))
			}
			for _, later := range []int{0, 1, 4, len(full.Later), len(full.Later) + 3} {
				var reviewed []meeting.Meeting
				got, err := pairhome.Load(program.WithReadMemo(ctx), db, u, pairID, now, later, nil, func(_ *pairhome.Home, ms []meeting.Meeting) error {
					reviewed = ms
					return nil
				})
				if err != nil {
					t.Fatalf("%s, later %d: %v", email, later, err)
				}
				want := *full
				want.Later = full.Later[:min(later, len(full.Later))]
				want.LaterMore = len(full.Later) - len(want.Later)
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("%s, later %d:\n%+v\nwant\n%+v", email, later, *got, want)
				}
				if got.Access.Member() {
					checked = true
					// The member's callback gets what was read: the
					// timeline's meetings and the booked ones shown.
					if n := len(reviewed); n < got.Past+1+len(got.Later) {
						t.Errorf("%s, later %d: the callback got %d meetings", email, later, n)
					}
				}
			}
		}
		if !checked {
			t.Error("no member's home was read")
		}
	})
}
