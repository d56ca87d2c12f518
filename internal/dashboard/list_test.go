package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/health"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

var (
	jan1 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

func d(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 10, 0, 0, 0, time.UTC)
}

// seed writes the scene straight into the tables the dashboard reports on.
type seed struct {
	t  testing.TB
	db store.Q
	n  int
}

func (s *seed) id(query string, args ...any) int64 {
	s.t.Helper()
	var id int64
	if err := s.db.QueryRow(context.Background(), query+" RETURNING id", args...).Scan(&id); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (s *seed) exec(query string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Exec(context.Background(), query, args...); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
}

func (s *seed) user(name, role string) *account.User {
	s.n++
	email := fmt.Sprintf("u%d@example.org", s.n)
	id := s.id(`INSERT INTO users (email, name, password_hash, role, language, created_at) VALUES (?, ?, 'x', ?, 'en', ?)`,
		email, name, role, jan1)
	return &account.User{ID: id, Email: email, Name: name, Role: role, Language: "en"}
}

func (s *seed) program(coord *account.User) int64 {
	s.n++
	id := s.id(`INSERT INTO programs (name, start_date, end_date, min_meetings, max_gap_days, meeting_min_minutes,
		meeting_max_minutes, messages_allowed, eval_followup, eval_midpoint, eval_final, default_language, join_token,
		created_at, updated_at) VALUES (?, '2026-01-01', '2026-05-31', 4, 30, 45, 120, ?, ?, ?, ?, 'en', ?, ?, ?)`,
		fmt.Sprintf("Cohort %d", s.n), true, true, true, true, fmt.Sprintf("tok%d", s.n), jan1, jan1)
	s.exec(`INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, id, coord.ID)
	return id
}

// pair makes a pair of a new mentor and mentee and returns its id and
// the two people.
func (s *seed) pair(prog int64, mentor, mentee string, created time.Time) (int64, [2]int64) {
	p := s.id(`INSERT INTO pairs (program_id, status, created_at) VALUES (?, 'active', ?)`, prog, created)
	a, b := s.user(mentor, "member"), s.user(mentee, "member")
	s.exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor'), (?, ?, 'mentee')`, p, a.ID, p, b.ID)
	return p, [2]int64{a.ID, b.ID}
}

func (s *seed) meeting(pair int64, status string, at time.Time) {
	s.n++
	s.exec(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'UTC', 60, ?, ?)`, pair, fmt.Sprintf("m%d@test", s.n), status, at, jan1, jan1)
}

// version saves an agreement version and the given signatures.
func (s *seed) version(pair int64, number int, people [2]int64, signed ...time.Time) {
	hash := strings.Repeat(fmt.Sprintf("%x", number%16), 64)
	v := s.id(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_at) VALUES (?, ?, '{}', ?, ?)`,
		pair, number, hash, jan1)
	for i, at := range signed {
		s.exec(`INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
			VALUES (?, ?, 'N', ?, 'N', ?, ?)`, v, people[i], []string{"mentor", "mentee"}[i], hash, at)
	}
}

// checkpoint writes a check point answered by the given people, with
// chemistry answers when answers are given.
func (s *seed) checkpoint(pair int64, kind string, due time.Time, people []int64, answers ...string) {
	c := s.id(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		pair, kind, due, jan1, jan1)
	for i, u := range people {
		s.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, c, u, due)
		if i < len(answers) {
			s.exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, updated_at) VALUES (?, ?, ?, ?)`,
				c, u, answers[i], due)
		}
	}
}

type scene struct {
	prog                              int64
	coord, admin, other, participant  *account.User
	healthy, stuck, waiting, no, done int64
}

// newScene: a program of 150 days seen on day 60, with one pair of each
// kind the dashboard tells apart.
func newScene(t testing.TB, db *store.DB) *scene {
	var sc *scene
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		sc = writeScene(&seed{t: t, db: tx})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func writeScene(s *seed) *scene {
	sc := &scene{coord: s.user("Coordinator", "coordinator"), admin: s.user("Admin", "admin"),
		other: s.user("Other coordinator", "coordinator")}
	sc.prog = s.program(sc.coord)
	s.program(sc.other)

	var people [2]int64
	sc.healthy, people = s.pair(sc.prog, "Astrid Healthy", "Bo Healthy", jan1)
	sc.participant = &account.User{ID: people[0], Role: "member"}
	s.exec(`INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
		VALUES (?, ?, 'mentor', 'approved', 1, ?, ?)`, sc.prog, people[0], jan1, jan1)
	s.version(sc.healthy, 1, people, d(1, 4), d(1, 5))
	for _, at := range []time.Time{d(1, 10), d(1, 30), d(2, 20), d(3, 1)} {
		s.meeting(sc.healthy, "confirmed", at)
	}
	s.meeting(sc.healthy, "confirmed", d(3, 20))
	s.checkpoint(sc.healthy, "chemistry", d(1, 17), people[:], "yes", "yes")

	sc.stuck, _ = s.pair(sc.prog, "Cecilie Stuck", "Dag Stuck", jan1)

	sc.waiting, people = s.pair(sc.prog, "Eva Waiting", "Finn Waiting", d(2, 20))
	s.version(sc.waiting, 1, people, d(2, 21))
	s.meeting(sc.waiting, "confirmed", d(2, 25))
	s.meeting(sc.waiting, "cancelled", d(3, 5))
	s.meeting(sc.waiting, "proposed", d(3, 10))

	sc.no, people = s.pair(sc.prog, "Gro Chemistry", "Hans Chemistry", jan1)
	s.version(sc.no, 1, people, d(1, 3), d(1, 2))
	s.version(sc.no, 2, people, d(2, 1)) // a change waiting leaves version 1 in force
	s.meeting(sc.no, "confirmed", d(1, 15))
	s.meeting(sc.no, "confirmed", d(2, 25))
	s.meeting(sc.no, "confirmed", d(3, 10))
	s.checkpoint(sc.no, "chemistry", d(1, 22), people[:], "yes", "no")
	s.checkpoint(sc.no, "followup", d(2, 10), people[:1])

	sc.done, _ = s.pair(sc.prog, "Ida Ended", "Jon Ended", jan1)
	s.exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, d(2, 1), sc.done)
	s.exec(`INSERT INTO pair_endings (pair_id, how, side, reason, ended_at) VALUES (?, 'member', 'mentee', 'secret reason', ?)`,
		sc.done, d(2, 1))
	return sc
}

func byID(rows []Row) map[int64]Row {
	m := map[int64]Row{}
	for _, r := range rows {
		m[r.PairID] = r
	}
	return m
}

func codes(r Row) []string {
	var out []string
	for _, s := range r.Health.Signals {
		out = append(out, s.Code)
	}
	slices.Sort(out)
	return out
}

func TestLoadFacts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sc := newScene(t, db)
		res, err := ForCoordinator(context.Background(), db, sc.coord, sc.prog, now, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 || len(res.Rows) != 5 {
			t.Fatalf("total %d rows %d", res.Total, len(res.Rows))
		}
		rows := byID(res.Rows)

		h := rows[sc.healthy]
		if h.Facts.MeetingsHeld != 4 || !h.Facts.LastMeeting.Equal(d(3, 1)) || !h.Facts.NextMeeting.Equal(d(3, 20)) {
			t.Errorf("healthy meetings: %+v", h.Facts)
		}
		if h.Facts.Signed == nil || !h.Facts.Signed.Equal(d(1, 5)) || h.AgreementState != "active" {
			t.Errorf("healthy agreement: %v %s", h.Facts.Signed, h.AgreementState)
		}
		if h.Health.Severity != health.OK || h.Facts.EvalDue != nil || h.Facts.ChemistryNo {
			t.Errorf("healthy: %+v %+v", h.Health, h.Facts)
		}
		if !slices.Equal(h.Mentors, []string{"Astrid Healthy"}) || !slices.Equal(h.Mentees, []string{"Bo Healthy"}) {
			t.Errorf("names %v %v", h.Mentors, h.Mentees)
		}

		s := rows[sc.stuck]
		if s.AgreementState != "not_started" || s.Facts.MeetingsHeld != 0 || s.Facts.LastMeeting != nil {
			t.Errorf("stuck: %s %+v", s.AgreementState, s.Facts)
		}
		if got := codes(s); !slices.Equal(got, []string{"gap", "no_next_meeting", "pace", "unsigned"}) || s.Health.Severity != health.Critical {
			t.Errorf("stuck signals %v %v", got, s.Health.Severity)
		}

		w := rows[sc.waiting]
		if w.AgreementState != "waiting" || w.Facts.Signed != nil || !w.Facts.NextMeeting.Equal(d(3, 10)) {
			t.Errorf("waiting: %s %+v", w.AgreementState, w.Facts)
		}
		// The chemistry check is due a week after the first meeting (4 March).
		if w.Facts.EvalDue != nil || w.Health.Severity != health.OK {
			t.Errorf("waiting health: %+v %v", w.Health, w.Facts.EvalDue)
		}

		n := rows[sc.no]
		if n.AgreementState != "active" || n.Facts.Signed == nil || !n.Facts.Signed.Equal(d(1, 3)) {
			t.Errorf("no agreement: %s %v", n.AgreementState, n.Facts.Signed)
		}
		if !n.Facts.ChemistryNo || n.Facts.EvalDue == nil || !n.Facts.EvalDue.Equal(d(2, 10)) {
			t.Errorf("no facts: %+v", n.Facts)
		}
		if got := codes(n); !slices.Equal(got, []string{"chemistry_no", "evaluation"}) {
			t.Errorf("no signals %v", got)
		}

		e := rows[sc.done]
		if e.AgreementState != "ended" || e.Facts.Ended == nil || !e.Facts.Ended.Equal(d(2, 1)) || e.Facts.EndedOnPlan {
			t.Errorf("ended: %s %+v", e.AgreementState, e.Facts)
		}
		if got := codes(e); !slices.Equal(got, []string{"ended_early"}) {
			t.Errorf("ended signals %v", got)
		}
		if res.Counts["critical"] != 2 || res.Counts["info"] != 1 || res.Counts["ok"] != 2 {
			t.Errorf("counts %v", res.Counts)
		}

		// A week on, the waiting pair's chemistry check is overdue without
		// anyone having opened it.
		later, err := ForCoordinator(context.Background(), db, sc.coord, sc.prog, now.AddDate(0, 0, 7), Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if w := byID(later.Rows)[sc.waiting]; w.Facts.EvalDue == nil || !w.Facts.EvalDue.Equal(d(3, 4)) || !w.Health.Has(health.EvalOverdue) {
			t.Errorf("chemistry not overdue a week on: %+v", w.Facts)
		}
	})
}

func pairIDs(rows []Row) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.PairID)
	}
	return out
}

func TestFilterAndSort(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sc := newScene(t, db)
		list := func(f Filter) []int64 {
			t.Helper()
			res, err := ForCoordinator(context.Background(), db, sc.coord, sc.prog, now, f)
			if err != nil {
				t.Fatal(err)
			}
			return pairIDs(res.Rows)
		}
		cases := []struct {
			f    Filter
			want []int64
		}{
			// Most severe first; of two critical pairs the one with more signals.
			{Filter{}, []int64{sc.stuck, sc.no, sc.done, sc.healthy, sc.waiting}},
			{Filter{Sort: SortName}, []int64{sc.healthy, sc.stuck, sc.waiting, sc.no, sc.done}},
			{Filter{Sort: SortLast}, []int64{sc.healthy, sc.waiting, sc.no, sc.stuck, sc.done}},
			{Filter{Sort: SortNext}, []int64{sc.waiting, sc.no, sc.healthy, sc.stuck, sc.done}},
			{Filter{State: "waiting"}, []int64{sc.waiting}},
			{Filter{State: "ended"}, []int64{sc.done}},
			{Filter{Severity: "critical"}, []int64{sc.stuck, sc.no}},
			{Filter{Severity: "ok", Sort: SortName}, []int64{sc.healthy, sc.waiting}},
			{Filter{Signal: "chemistry_no"}, []int64{sc.no}},
			{Filter{Search: "  hans "}, []int64{sc.no}},
			{Filter{Search: "WAITING"}, []int64{sc.waiting}},
			{Filter{Search: "nobody"}, nil},
			{Filter{State: "active", Severity: "critical"}, []int64{sc.no}},
		}
		for _, c := range cases {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%+v: got %v, want %v", c.f, got, c.want)
			}
		}
	})
}

func TestAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sc := newScene(t, db)
		ctx := context.Background()
		for _, u := range []*account.User{sc.coord, sc.admin} {
			if _, err := ForCoordinator(ctx, db, u, sc.prog, now, Filter{}); err != nil {
				t.Errorf("%s: %v", u.Name, err)
			}
		}
		for u, kind := range map[*account.User]errs.Kind{nil: errs.Unauthorized, sc.participant: errs.Forbidden, sc.other: errs.NotFound} {
			if _, err := ForCoordinator(ctx, db, u, sc.prog, now, Filter{}); !errs.Is(err, kind) {
				t.Errorf("%v: %v, want %v", u, err, kind)
			}
		}
		if _, err := ForCoordinator(ctx, db, sc.coord, sc.prog, now, Filter{Sort: "bogus"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad sort: %v", err)
		}
	})
}

func TestNeedsAttention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sc := newScene(t, db)
		rows, err := NeedsAttention(context.Background(), db, sc.prog, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := pairIDs(rows); !slices.Equal(got, []int64{sc.stuck, sc.no}) {
			t.Errorf("got %v", got)
		}
		if _, err := NeedsAttention(context.Background(), db, 9999, now); !errs.Is(err, errs.NotFound) {
			t.Errorf("missing program: %v", err)
		}
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()
	bad := []Filter{{State: "x"}, {Severity: "bad"}, {Signal: "x"}, {Sort: "x"}, {Page: -1}, {Search: strings.Repeat("a", 201)}}
	for _, f := range bad {
		if err := f.Validate(); !errs.Is(err, errs.Invalid) {
			t.Errorf("%+v accepted", f)
		}
	}
	good := Filter{State: "active", Severity: "warning", Signal: "gap", Sort: "next", Page: 2, Search: "a"}
	if err := good.Validate(); err != nil {
		t.Error(err)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	rows := make([]Row, 2*PerPage+20)
	for i := range rows {
		rows[i] = Row{PairID: int64(i + 1), Mentors: []string{fmt.Sprintf("M%04d", i)}}
	}
	for _, c := range []struct{ page, wantPage, wantLen int }{{0, 1, PerPage}, {1, 1, PerPage}, {3, 3, 20}, {99, 3, 20}} {
		res := page(nil, slices.Clone(rows), Filter{Page: c.page, Sort: SortName})
		if res.Page != c.wantPage || len(res.Rows) != c.wantLen || res.Pages != 3 || res.Total != len(rows) {
			t.Errorf("page %d: got page %d of %d, %d rows", c.page, res.Page, res.Pages, len(res.Rows))
		}
		if c.wantPage == 3 && res.Rows[0].PairID != int64(2*PerPage+1) {
			t.Errorf("page 3 starts at %d", res.Rows[0].PairID)
		}
	}
	if res := page(nil, nil, Filter{Page: 2}); res.Page != 1 || res.Pages != 1 || len(res.Rows) != 0 {
		t.Errorf("empty: %+v", res)
	}
}
