package program

import (
	"context"
	"errors"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func wantKey(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

func TestCreatePairRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "en")
		other := e.user(account.RoleCoordinator, "en")
		p := e.program(coord)
		q := e.program(other)
		mentor := e.user(account.RoleMember, "nb")  // capacity 1
		mentor2 := e.user(account.RoleMember, "sv") // capacity 2
		mentee := e.user(account.RoleMember, "id")
		mentee2 := e.user(account.RoleMember, "en")
		mentee3 := e.user(account.RoleMember, "en")
		pending := e.user(account.RoleMember, "en")
		foreign := e.user(account.RoleMember, "en")
		e.participant(p.ID, mentor, "mentor", StatusApproved, 1)
		e.participant(p.ID, mentor2, "mentor", StatusApproved, 2)
		e.participant(p.ID, mentee, "mentee", StatusApproved, 1)
		e.participant(p.ID, mentee2, "mentee", StatusApproved, 1)
		e.participant(p.ID, mentee3, "mentee", StatusApproved, 1)
		e.participant(p.ID, pending, "mentee", StatusPending, 1)
		e.participant(q.ID, foreign, "mentee", StatusApproved, 1)
		ids := func(us ...*account.User) []int64 {
			var out []int64
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}

		refusals := []struct {
			name             string
			actor            *account.User
			mentors, mentees []int64
			kind             errs.Kind
			key              string
		}{
			{"no mentor", coord, nil, ids(mentee), errs.Invalid, "pair.error.no_mentor"},
			{"no mentee", coord, ids(mentor), nil, errs.Invalid, "pair.error.no_mentee"},
			{"unapproved mentee", coord, ids(mentor), ids(pending), errs.Invalid, "pair.error.not_approved"},
			{"other program's mentee", coord, ids(mentor), ids(foreign), errs.Invalid, "pair.error.not_participant"},
			{"same person both sides", coord, ids(mentor), ids(mentor, mentee), errs.Invalid, "pair.error.both_sides"},
			{"mentee on mentor side", coord, ids(mentee2), ids(mentee), errs.Invalid, "pair.error.wrong_role"},
			{"coordinator of another program", other, ids(mentor), ids(mentee), errs.NotFound, "program.error.not_found"},
			{"participant", mentee, ids(mentor), ids(mentee), errs.Forbidden, "program.error.coordinators_only"},
		}
		for _, r := range refusals {
			_, err := e.svc.CreatePair(ctx, r.actor, p.ID, r.mentors, r.mentees)
			if e, ok := errs.As(err); !ok || e.Kind != r.kind || e.Key != r.key {
				t.Fatalf("%s: error %v, want %s", r.name, err, r.key)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM pairs`); n != 0 {
			t.Fatalf("%d pairs after refusals", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("%d emails after refusals", n)
		}

		pair, err := e.svc.CreatePair(ctx, coord, p.ID, ids(mentor), ids(mentee))
		if err != nil {
			t.Fatal(err)
		}
		if len(pair.Mentors) != 1 || pair.Mentors[0].UserID != mentor.ID || len(pair.Mentees) != 1 || !pair.Active() {
			t.Fatalf("pair: %+v", pair)
		}
		// Both sides hear about it, each in their own language.
		var lang string
		db.QueryRow(ctx, `SELECT language FROM outbox WHERE to_email = ?`, mentor.Email).Scan(&lang)
		if lang != "nb" {
			t.Fatalf("mentor email in %q", lang)
		}
		db.QueryRow(ctx, `SELECT language FROM outbox WHERE to_email = ?`, mentee.Email).Scan(&lang)
		if lang != "id" {
			t.Fatalf("mentee email in %q", lang)
		}

		_, err = e.svc.CreatePair(ctx, coord, p.ID, ids(mentor), ids(mentee2))
		wantKey(t, err, errs.Invalid, "pair.error.mentor_full")
		_, err = e.svc.CreatePair(ctx, coord, p.ID, ids(mentor2), ids(mentee))
		wantKey(t, err, errs.Invalid, "pair.error.mentee_paired")

		// Association-to-association: several people on a side.
		group, err := e.svc.CreatePair(ctx, coord, p.ID, ids(mentor2), ids(mentee2, mentee3))
		if err != nil {
			t.Fatal(err)
		}
		if len(group.Mentees) != 2 || group.OtherNames(mentor2.ID) == "" {
			t.Fatalf("group pair: %+v", group)
		}
		all, _ := e.svc.ProgramPairs(ctx, coord, p.ID)
		if len(all) != 2 {
			t.Fatalf("%d pairs listed", len(all))
		}
		_, err = e.svc.ProgramPairs(ctx, other, p.ID)
		wantKind(t, err, errs.NotFound)

		// Ending frees the mentor's place and the mentee.
		wantKind(t, e.svc.EndPair(ctx, other, p.ID, pair.ID), errs.NotFound)
		wantKind(t, e.svc.EndPair(ctx, other, q.ID, pair.ID), errs.NotFound) // pair of another program
		if err := e.svc.EndPair(ctx, coord, p.ID, pair.ID); err != nil {
			t.Fatal(err)
		}
		ended, _ := GetPair(ctx, db, pair.ID)
		if ended.Active() || ended.EndedAt == nil {
			t.Fatalf("ended pair: %+v", ended)
		}
		// The same two again only when the coordinator says they mean it.
		_, err = e.svc.CreatePair(ctx, coord, p.ID, ids(mentor), ids(mentee))
		if x, ok := errs.As(err); !ok || x.Kind != errs.Invalid || x.Fields["again"].Key != "matching.error.former_pair" {
			t.Fatalf("re-pairing a former pair without saying so: %v", err)
		}
		if mine, _ := PairsForUser(ctx, db, mentee.ID); len(mine) != 1 {
			t.Fatalf("the refused pair was made: %d pairs", len(mine))
		}
		if _, err := e.svc.CreatePairAgain(ctx, coord, p.ID, ids(mentor), ids(mentee)); err != nil {
			t.Fatalf("re-pairing after end: %v", err)
		}
		mine, _ := PairsForUser(ctx, db, mentee.ID)
		if len(mine) != 2 {
			t.Fatalf("mentee has %d pairs", len(mine))
		}

		// A person in an active pair cannot be declined out from under it.
		wantKey(t, e.svc.Decide(ctx, coord, p.ID, mentee2.ID, false), errs.Conflict, "program.error.decline_paired")

		mentors, mentees, err := e.svc.PairCandidates(ctx, coord, p.ID)
		if err != nil || len(mentors) != 2 || len(mentees) != 3 {
			t.Fatalf("candidates %v %v %v", mentors, mentees, err)
		}
		for _, c := range mentees {
			if !c.Full() {
				t.Fatalf("mentee %s shown as free", c.Name)
			}
		}
	})
}

// TestViewedRemembersViewPair: within a request, Viewed answers what
// ViewPair allowed, for that asker and pair only, and nothing it refused.
func TestViewedRemembersViewPair(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	e := newProgEnv(t, db)
	coord, _, pair := e.onePair()
	mentor, mentee := pair.Mentors[0], pair.Mentees[0]
	stranger := e.user(account.RoleMember, "en")
	if _, ok := Viewed(context.Background(), mentor.UserID, pair.ID); ok {
		t.Fatal("Viewed answered without WithViews")
	}
	ctx := WithViews(context.Background())
	for _, u := range []*account.User{{ID: mentor.UserID}, coord, stranger} {
		ViewPair(ctx, db, u, pair.ID)
	}
	if v, ok := Viewed(ctx, mentor.UserID, pair.ID); !ok || v.Side != SideMentor || v.UserID != mentor.UserID {
		t.Errorf("mentor: %+v, %v", v, ok)
	}
	if v, ok := Viewed(ctx, coord.ID, pair.ID); !ok || !v.Coordinator || v.Member() {
		t.Errorf("coordinator: %+v, %v", v, ok)
	}
	if v, ok := Viewed(ctx, stranger.ID, pair.ID); ok {
		t.Errorf("refused stranger remembered as %+v", v)
	}
	if _, ok := Viewed(ctx, mentee.UserID, pair.ID); ok {
		t.Error("the mentee never asked, yet Viewed answered")
	}
	if _, ok := Viewed(ctx, mentor.UserID, pair.ID+1); ok {
		t.Error("another pair answered")
	}
}

// TestKeptProgramFollowsChanges: page views (each its own read memo) keep
// a pair's program from one to the next, yet every change of its settings
// shows on the next view, also when the change comes at the same instant
// (the test's clock stands still) and from another process on the same
// database.
func TestKeptProgramFollowsChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		coord, p, pair := e.onePair()
		mentee := &account.User{ID: pair.Mentees[0].UserID}
		view := func() (*Program, int) {
			t.Helper()
			ctx, n := store.WithCounter(WithReadMemo(context.Background()))
			if _, _, err := ViewPair(ctx, db, mentee, pair.ID); err != nil {
				t.Fatal(err)
			}
			got, err := Get(ctx, db, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got, n.Statements()
		}
		view()
		if got, n := view(); got.MinMeetings != p.MinMeetings || n != 1 {
			t.Fatalf("second view: %d statements (want the pair's only), min meetings %d", n, got.MinMeetings)
		}
		for i, min := range []int{p.MinMeetings + 2, p.MinMeetings + 3} {
			in := SettingsOf(*p)
			in.MinMeetings = min
			in.RoleNames = map[string]map[string]string{"nb": {"mentee": "adept, adepten, adepter, adeptene"}}
			svc := e.svc
			if i == 1 { // another process: its own Service on its own connection to the database
				other := *e.svc
				svc = &other
			}
			if _, err := svc.Update(context.Background(), coord, p.ID, in); err != nil {
				t.Fatal(err)
			}
			got, n := view()
			if got.MinMeetings != min || got.Roles["nb"]["mentee"][0] != "adept" || n != 2 {
				t.Fatalf("after change %d: min meetings %d, roles %v, %d statements", i+1, got.MinMeetings, got.Roles["nb"], n)
			}
			if got, n := view(); got.MinMeetings != min || n != 1 {
				t.Fatalf("after change %d, kept: min meetings %d, %d statements", i+1, got.MinMeetings, n)
			}
		}
	})
}

// TestOfPairInTransaction: a transaction that has read a pair takes its
// program from what page views kept while the version it read is the
// kept one, sees a change it made itself, and keeps nothing of a change
// that is rolled back.
func TestOfPairInTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		_, p, pair := e.onePair()
		outside := func() *Program {
			t.Helper()
			got, err := GetPair(context.Background(), db, pair.ID)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := OfPair(context.Background(), db, got)
			if err != nil {
				t.Fatal(err)
			}
			return prog
		}
		outside()
		ctx, n := store.WithCounter(context.Background())
		errRollback := errors.New("roll back")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			got, err := GetPair(ctx, tx, pair.ID)
			if err != nil {
				return err
			}
			prog, err := OfPair(ctx, tx, got)
			if err != nil {
				return err
			}
			if prog.MinMeetings != p.MinMeetings || n.Statements() != 1 {
				t.Errorf("kept program in a transaction: min meetings %d, %d statements (want the pair's only)", prog.MinMeetings, n.Statements())
			}
			if _, err := tx.Exec(ctx, `UPDATE programs SET min_meetings = ?, version = version + 1 WHERE id = ?`, p.MinMeetings+5, p.ID); err != nil {
				return err
			}
			if got, err = GetPair(ctx, tx, pair.ID); err != nil {
				return err
			}
			if prog, err = OfPair(ctx, tx, got); err != nil {
				return err
			}
			if prog.MinMeetings != p.MinMeetings+5 {
				t.Errorf("after its own change the transaction sees min meetings %d, want %d", prog.MinMeetings, p.MinMeetings+5)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if got := outside(); got.MinMeetings != p.MinMeetings {
			t.Errorf("after the rollback a page sees min meetings %d, want %d", got.MinMeetings, p.MinMeetings)
		}
	})
}

// onePair makes a program with one pair (a mentor writing Norwegian, a
// mentee Swedish) and returns its coordinator, the program and the pair.
func (e *progEnv) onePair() (*account.User, *Program, *Pair) {
	e.t.Helper()
	coord := e.user(account.RoleCoordinator, "en")
	p := e.program(coord)
	mentor := e.user(account.RoleMember, "nb")
	mentee := e.user(account.RoleMember, "sv")
	e.participant(p.ID, mentor, "mentor", StatusApproved, 1)
	e.participant(p.ID, mentee, "mentee", StatusApproved, 1)
	pair, err := e.svc.CreatePair(context.Background(), coord, p.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return coord, p, pair
}
