package dashboard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/dashboard/factstest"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestPairFactsFollowWrites makes a few hundred random writes of every
// kind the triggers watch and checks after each that every pair's stored
// facts equal the facts worked out from scratch.
func TestPairFactsFollowWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(6, 2026))
		err := db.Tx(ctx, func(tx *store.Tx) error {
			s := &seed{t: t, db: tx}
			prog := s.program(s.user("Coordinator", "coordinator"))
			type pairInfo struct {
				id       int64
				people   [2]int64
				versions int
			}
			var pairs []*pairInfo
			for i := range 4 {
				id, people := s.pair(prog, fmt.Sprintf("Mentor %d", i), fmt.Sprintf("Mentee %d", i), jan1)
				pairs = append(pairs, &pairInfo{id: id, people: people})
			}
			// Some starts carry fractions of a second, which the list drops.
			when := func() time.Time {
				return jan1.Add(time.Duration(rng.IntN(150*24))*time.Hour + time.Duration(rng.IntN(3))*time.Second/3)
			}
			pick := func(query string, args ...any) (int64, bool) {
				var id int64
				err := tx.QueryRow(ctx, query, args...).Scan(&id)
				return id, err == nil
			}
			statuses := []string{"proposed", "confirmed", "cancelled"}
			for step := range 300 {
				p := pairs[rng.IntN(len(pairs))]
				var did string
				switch rng.IntN(10) {
				case 0, 1:
					s.meeting(p.id, statuses[rng.IntN(3)], when())
					did = "add meeting"
				case 2:
					if m, ok := pick(`SELECT id FROM meetings WHERE pair_id = ? ORDER BY id LIMIT 1`, p.id); ok {
						s.exec(`UPDATE meetings SET status = ?, starts_at = ? WHERE id = ?`, statuses[rng.IntN(3)], when(), m)
					}
					did = "change meeting"
				case 3:
					if m, ok := pick(`SELECT id FROM meetings WHERE pair_id = ? ORDER BY id DESC LIMIT 1`, p.id); ok {
						s.exec(`DELETE FROM meetings WHERE id = ?`, m)
					}
					did = "delete meeting"
				case 4:
					p.versions++
					var signed []time.Time
					for range rng.IntN(3) {
						signed = append(signed, when())
					}
					s.version(p.id, p.versions, p.people, signed...)
					did = "add version"
				case 5:
					// Only an unsigned newest version can go, as the
					// retention purge deletes drafts.
					if v, ok := pick(`SELECT v.id FROM agreement_versions v WHERE v.pair_id = ? AND v.number = ?
						AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = v.id)`, p.id, p.versions); ok {
						s.exec(`DELETE FROM agreement_versions WHERE id = ?`, v)
						p.versions--
					}
					did = "delete draft"
				case 6:
					kind := []string{"chemistry", "chemistry", "followup", "final"}[rng.IntN(4)]
					if _, ok := pick(`SELECT id FROM checkpoints WHERE pair_id = ? AND kind = ?`, p.id, kind); ok {
						s.exec(`UPDATE checkpoints SET due_at = ? WHERE pair_id = ? AND kind = ?`, when(), p.id, kind)
					} else {
						s.checkpoint(p.id, kind, when(), nil)
					}
					did = "add or move check point"
				case 7:
					c, ok := pick(`SELECT id FROM checkpoints WHERE pair_id = ? ORDER BY kind LIMIT 1 OFFSET ?`, p.id, rng.IntN(2))
					u := p.people[rng.IntN(2)]
					if _, answered := pick(`SELECT checkpoint_id FROM checkpoint_responses WHERE checkpoint_id = ? AND user_id = ?`, c, u); ok && !answered {
						s.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, c, u, when())
						s.exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, updated_at) VALUES (?, ?, ?, ?)`,
							c, u, []string{"yes", "unsure", "no"}[rng.IntN(3)], when())
					}
					did = "answer"
				case 8:
					s.exec(`UPDATE chemistry_answers SET answer = ? WHERE checkpoint_id IN (SELECT id FROM checkpoints WHERE pair_id = ?)`,
						[]string{"yes", "no"}[rng.IntN(2)], p.id)
					did = "change answer"
				case 9:
					switch rng.IntN(3) {
					case 0:
						// A second person on the mentor side, as an
						// association pair has.
						u := s.user("Co-mentor", "member")
						s.exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor')`, p.id, u.ID)
						did = "add member"
					case 1:
						s.exec(`DELETE FROM checkpoint_responses WHERE checkpoint_id IN (SELECT id FROM checkpoints WHERE pair_id = ?)`, p.id)
						did = "delete answers"
					default:
						s.exec(`DELETE FROM checkpoints WHERE id IN (SELECT id FROM checkpoints WHERE pair_id = ? ORDER BY id LIMIT 1)`, p.id)
						did = "delete check point"
					}
				}
				for _, q := range pairs {
					if got, want := factstest.Stored(t, tx, q.id), factstest.Recomputed(t, tx, q.id); got.String() != want.String() {
						t.Fatalf("step %d (%s on pair %d): pair %d has\n%s\nwant\n%s", step, did, p.id, q.id, got, want)
					}
				}
			}
			// Deleting a pair cascades through every watched table; the
			// triggers must not stand in the way or leave a row behind. (A
			// pair with a signed agreement cannot be deleted at all.)
			gone, people := s.pair(prog, "Mentor gone", "Mentee gone", jan1)
			s.meeting(gone, "confirmed", when())
			s.version(gone, 1, people)
			s.checkpoint(gone, "chemistry", when(), people[:], "yes", "no")
			s.exec(`DELETE FROM pairs WHERE id = ?`, gone)
			var left int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM pair_facts WHERE pair_id = ?`, gone).Scan(&left); err != nil || left != 0 {
				t.Fatalf("after deleting pair: %d facts rows left (%v)", left, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestPairFactsConcurrentWrites has two transactions add a meeting to the
// same pair at the same time on PostgreSQL. The second waits for the
// first's lock on the facts row and must count both meetings, not only the
// ones its own snapshot saw when it began.
func TestPairFactsConcurrentWrites(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	ctx := context.Background()
	var pair int64
	err := db.Tx(ctx, func(tx *store.Tx) error {
		s := &seed{t: t, db: tx}
		prog := s.program(s.user("Coordinator", "coordinator"))
		pair, _ = s.pair(prog, "Mentor", "Mentee", jan1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	insert := func(tx *store.Tx, uid string) error {
		_, err := tx.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
			VALUES (?, ?, 'confirmed', ?, 'UTC', 60, ?, ?)`, pair, uid, jan1, jan1, jan1)
		return err
	}
	firstInserted, secondStarted := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		errc <- db.Tx(ctx, func(tx *store.Tx) error {
			if err := insert(tx, "first@test"); err != nil {
				return err
			}
			close(firstInserted)
			<-secondStarted
			// Give the second transaction time to reach the facts row.
			time.Sleep(200 * time.Millisecond)
			return nil
		})
	}()
	go func() {
		defer wg.Done()
		<-firstInserted
		errc <- db.Tx(ctx, func(tx *store.Tx) error {
			close(secondStarted)
			return insert(tx, "second@test")
		})
	}()
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := factstest.Stored(t, db, pair); strings.Count(got.Meetings, "c") != 2 {
		t.Fatalf("after two concurrent meetings: %s, want two confirmed", got)
	}
}
