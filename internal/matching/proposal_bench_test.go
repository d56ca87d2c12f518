package matching

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cohortgen "mentorskap/bench/cohort"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// benchProposalEnv is a program on SQLite holding a generated cohort of n
// mentees and m mentors with two places each, written straight into the
// tables (creating accounts the normal way would spend minutes hashing
// passwords).
func benchProposalEnv(b *testing.B, n, m int) *propEnv {
	b.Helper()
	e := newPropEnv(b, storetest.SQLite(b))
	mentees, mentors := cohortgen.Generate(n, m, 2, 7)
	ctx := context.Background()
	now := e.svc.Clock.Now()
	err := e.db.Tx(ctx, func(tx *store.Tx) error {
		for _, p := range append(mentees, mentors...) {
			var uid int64
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
				VALUES (?, ?, 'x', 'member', 'en', ?, ?) RETURNING id`, fmt.Sprintf("u%d@example.org", p.UserID), p.Name, p.Timezone, now).Scan(&uid); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, languages, location,
				online_ok, field, skills, needs, goals, interests, career_stage, organisation, capacity, meeting_times,
				wish_same_field, wish_in_person, wish_language, wish_stage, created_at, updated_at)
				VALUES (?, ?, ?, 'approved', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.prog.ID, uid, p.Role, strings.Join(p.Languages, ","), p.Location, p.OnlineOK, p.Field, p.Skills, p.Needs,
				p.Goals, p.Interests, p.CareerStage, p.Organisation, p.Capacity, strings.Join(p.MeetingTimes, ","),
				p.WishSameField, p.WishInPerson, p.WishLanguage, p.WishStage, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// withHistory gives the first n mentees of the cohort a closed pair with
// a mentor each; every other one asked for a new mentor, so half of them
// are back in the pool and must not meet their former mentor.
func withHistory(b *testing.B, e *propEnv, n int) {
	b.Helper()
	ctx := context.Background()
	now := e.svc.Clock.Now()
	err := e.db.Tx(ctx, func(tx *store.Tx) error {
		var mentees, mentors []int64
		for _, q := range []struct {
			role string
			into *[]int64
		}{{"mentee", &mentees}, {"mentor", &mentors}} {
			rows, err := tx.Query(ctx, `SELECT user_id FROM participants WHERE program_id = ? AND role = ? ORDER BY user_id`, e.prog.ID, q.role)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				*q.into = append(*q.into, id)
			}
			rows.Close()
		}
		for k := range n {
			var pair int64
			if err := tx.QueryRow(ctx, `INSERT INTO pairs (program_id, status, created_by, created_at, ended_at)
				VALUES (?, 'ended', ?, ?, ?) RETURNING id`, e.prog.ID, e.coord.ID, now, now).Scan(&pair); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentee'), (?, ?, 'mentor')`,
				pair, mentees[k], pair, mentors[k%len(mentors)]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO pair_endings (pair_id, how, side, ended_at) VALUES (?, 'member', 'mentee', ?)`, pair, now); err != nil {
				return err
			}
			if k%2 == 0 {
				if _, err := tx.Exec(ctx, `UPDATE participants SET returned_at = ?, return_how = 'asked' WHERE program_id = ? AND user_id = ?`,
					now, e.prog.ID, mentees[k]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkProposalRun makes a whole-cohort proposal: loading the cohort,
// scoring, solving and writing the rows. "history" adds 1,000 closed
// pairs, half of whose mentees are back in the pool.
func BenchmarkProposalRun(b *testing.B) {
	b.Run("2000x1000/history", func(b *testing.B) {
		e := benchProposalEnv(b, 2000, 1000)
		withHistory(b, e, 1000)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, size := range [][2]int{{200, 100}, {2000, 1000}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			e := benchProposalEnv(b, size[0], size[1])
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProposalReview recomputes what the review page shows: every
// row's score and explanation, each mentee's three best alternatives and
// why the unmatched are unmatched ("history": with withHistory's closed
// pairs, the left-out list and the returned mentees' notes too).
func BenchmarkProposalReview(b *testing.B) {
	for _, size := range [][3]int{{200, 100, 0}, {2000, 1000, 0}, {2000, 1000, 1000}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		if size[2] > 0 {
			name += "/history"
		}
		b.Run(name, func(b *testing.B) {
			e := benchProposalEnv(b, size[0], size[1])
			if size[2] > 0 {
				withHistory(b, e, size[2])
			}
			ctx := context.Background()
			if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				rv, err := e.svc.Review(ctx, e.coord, e.prog.ID)
				if err != nil || len(rv.Pairs) == 0 {
					b.Fatal(rv, err)
				}
			}
		})
	}
}

// BenchmarkProposalPublish creates every pair of a proposal and queues
// the emails, in one transaction.
func BenchmarkProposalPublish(b *testing.B) {
	e := benchProposalEnv(b, 500, 250)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for _, q := range []string{`DELETE FROM match_proposals`, `DELETE FROM pairs`, `DELETE FROM outbox`} {
			if _, err := e.db.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		ids, err := e.svc.Publish(ctx, e.coord, e.prog.ID, 0)
		if err != nil || len(ids) == 0 {
			b.Fatal(err)
		}
	}
}
