package upgrade

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/dashboard/factstest"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// oldSchema is the release the fixture comes from: meetings and goals
// existed, notes, messages, jobs, pair_facts and everything after did not.
const oldSchema = 10

// eachEmpty runs fn on an empty, unmigrated database per available engine.
// storetest.Each cannot serve here: its databases are already migrated.
func eachEmpty(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	open := func(t *testing.T, dsn string) *store.DB {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, open(t, filepath.Join(t.TempDir(), "old.db"))) })
	if dsn := os.Getenv(storetest.EnvPostgres); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn, drop := storetest.FreshSchema(t, dsn)
			t.Cleanup(drop)
			fn(t, open(t, dsn))
		})
	}
}

// fixture is what the older release wrote, by id.
type fixture struct {
	coord, mentor, mentee, mentor2, mentee2 int64
	prog, pair, ended                       int64
	held, booked, cancelled                 int64
	goal, sub, dropped                      int64
	v1Hash, v2Hash                          string
	signedAt                                time.Time
}

// v1 is an agreement as release 10 saved it: without the fields added to
// Content since. Its stored bytes are what was signed, so they must still
// hash to the stored value after the upgrade.
const v1 = `{"parties":[{"name":"Mona Mentor","side":"mentor"},{"name":"Mats Mentee","side":"mentee"}],` +
	`"start_date":"2025-01-15","end_date":"2025-12-15","meeting_count":8,"frequency":"every other Tuesday",` +
	`"typical_minutes":60,"max_minutes":90,"places":"the library","goals":[{"key":"g1","title":"Find a job",` +
	`"measure":"an offer","target_date":"2025-09-01","sub_goals":[{"key":"g1a","title":"Write a CV","measure":"sent","target_date":""}]}]}`

const v2 = `{"parties":[{"name":"Mona Mentor","side":"mentor"},{"name":"Mats Mentee","side":"mentee"}],` +
	`"start_date":"2025-01-15","end_date":"2025-12-15","meeting_count":10,"frequency":"every Tuesday",` +
	`"typical_minutes":60,"max_minutes":90,"places":"the library","goals":[]}`

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// writeOld fills the old schema as that release's code would have: rows
// without explicit ids (so PostgreSQL's identity sequences move as they
// did), columns only as they were then.
func writeOld(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	day := func(d, h int) time.Time { return time.Date(2025, 1, d, h, 0, 0, 0, time.UTC) }
	var f fixture
	err := db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		ins := func(query string, args ...any) int64 {
			if err != nil {
				return 0
			}
			var id int64
			err = tx.QueryRow(ctx, query+` RETURNING id`, args...).Scan(&id)
			if err != nil {
				t.Logf("%s: %v", query, err)
			}
			return id
		}
		exec := func(query string, args ...any) {
			if err != nil {
				return
			}
			_, err = tx.Exec(ctx, query, args...)
			if err != nil {
				t.Logf("%s: %v", query, err)
			}
		}
		user := func(email, name, role string) int64 {
			return ins(`INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
				VALUES (?, ?, 'x', ?, 'nb', 'Europe/Oslo', ?)`, email, name, role, day(2, 9))
		}
		f.coord = user("kari@example.org", "Kari Koordinator", "coordinator")
		f.mentor = user("mona@example.org", "Mona Mentor", "member")
		f.mentee = user("mats@example.org", "Mats Mentee", "member")
		f.mentor2 = user("siri@example.org", "Siri Mentor", "member")
		f.mentee2 = user("ola@example.org", "Ola Mentee", "member")
		f.prog = ins(`INSERT INTO programs (name, purpose, start_date, end_date, min_meetings, max_gap_days,
			meeting_min_minutes, meeting_max_minutes, messages_allowed, eval_followup, eval_midpoint, eval_final,
			default_language, join_token, created_by, created_at, updated_at)
			VALUES ('Mentorprogram 2025', 'Jobb', '2025-01-01', '2025-12-31', 6, 45, 30, 120, ?, ?, ?, ?, 'nb', 'tok', ?, ?, ?)`,
			true, true, false, true, f.coord, day(3, 9), day(3, 9))
		exec(`INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, f.prog, f.coord)
		for _, p := range []struct {
			id   int64
			role string
		}{{f.mentor, "mentor"}, {f.mentee, "mentee"}, {f.mentor2, "mentor"}, {f.mentee2, "mentee"}} {
			ins(`INSERT INTO participants (program_id, user_id, role, status, online_ok, skills, capacity, created_at, updated_at, decided_at, decided_by, meeting_times)
				VALUES (?, ?, ?, 'approved', ?, 'Go, SQL', 1, ?, ?, ?, ?, 'tue-evening')`, f.prog, p.id, p.role, true, day(4, 9), day(4, 9), day(5, 9), f.coord)
		}
		pair := func(mentor, mentee int64, created time.Time) int64 {
			id := ins(`INSERT INTO pairs (program_id, status, created_by, created_at) VALUES (?, 'active', ?, ?)`, f.prog, f.coord, created)
			exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor'), (?, ?, 'mentee')`, id, mentor, id, mentee)
			return id
		}
		f.pair = pair(f.mentor, f.mentee, day(10, 9))
		f.ended = pair(f.mentor2, f.mentee2, day(10, 10))
		exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, day(20, 9), f.ended)
		exec(`INSERT INTO pair_endings (pair_id, how, ended_by, reason, ended_at) VALUES (?, 'coordinator', ?, 'moved away', ?)`, f.ended, f.coord, day(20, 9))

		// The agreement: version 1 signed by both, version 2 by the mentor only.
		f.v1Hash, f.v2Hash = sum(v1), sum(v2)
		f.signedAt = day(16, 18)
		ver1 := ins(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_by, created_at) VALUES (?, 1, ?, ?, ?, ?)`,
			f.pair, v1, f.v1Hash, f.mentee, day(15, 12))
		ver2 := ins(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_by, created_at) VALUES (?, 2, ?, ?, ?, ?)`,
			f.pair, v2, f.v2Hash, f.mentor, day(25, 12))
		sign := func(version, user int64, name, side, hash string, at time.Time) {
			ins(`INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				version, user, name, side, name, hash, at)
		}
		sign(ver1, f.mentee, "Mats Mentee", "mentee", f.v1Hash, day(15, 13))
		sign(ver1, f.mentor, "Mona Mentor", "mentor", f.v1Hash, f.signedAt)
		sign(ver2, f.mentor, "Mona Mentor", "mentor", f.v2Hash, day(25, 13))

		meet := func(uid, status string, at time.Time) int64 {
			id := ins(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, proposed_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'Europe/Oslo', 60, 'Biblioteket', ?, ?, ?)`, f.pair, uid, status, at, f.mentee, day(12, 9), day(12, 9))
			exec(`INSERT INTO meeting_events (meeting_id, pair_id, kind, user_id, starts_at, created_at) VALUES (?, ?, 'proposed', ?, ?, ?)`,
				id, f.pair, f.mentee, at, day(12, 9))
			return id
		}
		f.held = meet("m1@mentorskap", "confirmed", day(28, 16))
		f.cancelled = meet("m2@mentorskap", "cancelled", time.Date(2025, 2, 11, 16, 0, 0, 0, time.UTC))
		exec(`UPDATE meetings SET cancelled_by = ?, cancelled_at = ?, cancel_reason = 'sick' WHERE id = ?`, f.mentor, day(30, 9), f.cancelled)
		f.booked = meet("m3@mentorskap", "proposed", time.Date(2025, 3, 11, 16, 0, 0, 0, time.UTC))

		// A chemistry check both answered yes to.
		cp := ins(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'chemistry', ?, ?, ?)`,
			f.pair, day(24, 9), day(10, 9), day(10, 9))
		for _, u := range []int64{f.mentor, f.mentee} {
			exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cp, u, day(23, 9))
			exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, updated_at) VALUES (?, ?, 'yes', ?)`, cp, u, day(23, 9))
		}

		// Goals as that release let status and progress drift apart.
		goalRow := func(parent any, key string, inAgreement bool, title, status string, progress, position int) int64 {
			return ins(`INSERT INTO goals (pair_id, parent_id, agreement_key, in_agreement, title, measure, target_date, status, progress, position, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'measured', '2025-09-01', ?, ?, ?, ?, ?, ?)`,
				f.pair, parent, key, inAgreement, title, status, progress, position, f.mentee, day(16, 19), day(16, 19))
		}
		f.goal = goalRow(nil, "g1", true, "Find a job", "open", 40, 0)
		f.sub = goalRow(f.goal, "g1a", true, "Write a CV", "reached", 30, 0)
		f.dropped = goalRow(nil, "", false, "Learn Rust", "dropped", 20, 1)
		exec(`INSERT INTO goal_events (goal_id, user_id, field, old_value, new_value, at) VALUES (?, ?, 'progress', '0', '40', ?)`, f.goal, f.mentee, day(17, 9))
		exec(`UPDATE meetings SET goal_id = ? WHERE id = ?`, f.goal, f.booked)

		ins(`INSERT INTO outbox (to_email, to_name, language, subject, body, created_at, next_attempt_at, sent_at)
			VALUES ('mats@example.org', 'Mats Mentee', 'nb', 'Nytt møte', 'Hei', ?, ?, ?)`, day(12, 9), day(12, 9), day(12, 10))
		return err
	})
	if err != nil {
		t.Fatalf("write the release %d database: %v", oldSchema, err)
	}
	return f
}

// TestUpgradeFromRelease10 upgrades a database a release at migration 10
// wrote and reads all of it back through today's code.
func TestUpgradeFromRelease10(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateTo(ctx, oldSchema); err != nil {
			t.Fatal(err)
		}
		f := writeOld(t, db)
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("upgrade: %v", err)
		}
		ms, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if !m.Applied || m.Newer {
				t.Errorf("after the upgrade: %+v", m)
			}
		}
		now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

		// The pairs and the stage today's life model gives them.
		p, err := program.GetPair(ctx, db, f.pair)
		if err != nil {
			t.Fatal(err)
		}
		if p.ProgramID != f.prog || len(p.Mentors) != 1 || p.Mentors[0].Name != "Mona Mentor" ||
			len(p.Mentees) != 1 || p.Mentees[0].Email != "mats@example.org" {
			t.Errorf("pair: %+v", p)
		}
		if p.Life.SignedAt == nil || !p.Life.SignedAt.Equal(f.signedAt) || p.Life.Versions != 2 {
			t.Errorf("pair life: %+v", p.Life)
		}
		if got := p.StageAt(now); got != program.StageActive {
			t.Errorf("stage of the running pair: %s", got)
		}
		e, err := program.GetPair(ctx, db, f.ended)
		if err != nil {
			t.Fatal(err)
		}
		if e.Active() || e.EndedAt == nil || e.StageAt(now) != program.StageEnded {
			t.Errorf("ended pair: %+v, stage %s", e, e.StageAt(now))
		}

		// Signed versions stay intact: the bytes signed are the bytes kept.
		vs, err := agreement.Versions(ctx, db, f.pair)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Number != 2 || vs[1].Number != 1 {
			t.Fatalf("versions: %+v", vs)
		}
		if !vs[1].Intact || vs[1].Hash != f.v1Hash || len(vs[1].Signatures) != 2 || !vs[1].Complete() ||
			vs[1].Content.Frequency != "every other Tuesday" || len(vs[1].Content.Goals) != 1 || len(vs[1].Content.Goals[0].SubGoals) != 1 {
			t.Errorf("version 1: %+v", vs[1])
		}
		if !vs[0].Intact || vs[0].Hash != f.v2Hash || len(vs[0].Signatures) != 1 || vs[0].Complete() || vs[0].Content.MeetingCount != 10 {
			t.Errorf("version 2: %+v", vs[0])
		}

		// Goals: migration 26 made status follow progress.
		gs, err := goal.List(ctx, db, f.pair)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 2 || gs[0].ID != f.goal || gs[1].ID != f.dropped || len(gs[0].SubGoals) != 1 || gs[0].SubGoals[0].ID != f.sub {
			t.Fatalf("goals: %+v", gs)
		}
		if g := gs[0]; g.OwnStatus != goal.StatusInProgress || g.OwnProgress != 40 || g.Version != 2 || !g.InAgreement || g.AgreementKey != "g1" {
			t.Errorf("goal: %+v", g)
		}
		if g := gs[0].SubGoals[0]; g.OwnStatus != goal.StatusReached || g.OwnProgress != 100 || g.Version != 2 {
			t.Errorf("sub-goal marked reached at 30 %%: %+v", g)
		}
		if g := gs[1]; g.OwnStatus != goal.StatusDropped || g.OwnProgress != 20 || g.Version != 1 {
			t.Errorf("dropped goal: %+v", g)
		}

		// Meetings, numbered without the cancelled one.
		ms2, err := meeting.ForPair(ctx, db, f.pair)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms2) != 3 || ms2[0].ID != f.held || ms2[0].Number != 1 || ms2[1].ID != f.cancelled || ms2[1].Number != 0 ||
			ms2[2].ID != f.booked || ms2[2].Number != 2 || !ms2[2].Proposed() {
			t.Errorf("meetings: %+v", ms2)
		}

		// pair_facts (migration 20) was filled from the rows already there.
		for _, id := range []int64{f.pair, f.ended} {
			if got, want := factstest.Stored(t, db, id), factstest.Recomputed(t, db, id); got.String() != want.String() {
				t.Errorf("pair %d facts after the upgrade:\n got %s\nwant %s", id, got, want)
			}
		}
		if got := factstest.Stored(t, db, f.pair); got.Versions != 2 || got.Signatures != 1 || got.Meetings == "" || !got.Chemistry || got.ChemistryNo {
			t.Errorf("facts of the running pair: %s", got)
		}

		// The coordinators' dashboard lists both pairs.
		coord, err := account.ByID(ctx, db, f.coord)
		if err != nil {
			t.Fatal(err)
		}
		res, err := dashboard.ForCoordinator(ctx, db, coord, f.prog, now, dashboard.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[int64]string{}
		for _, r := range res.Rows {
			states[r.PairID] = r.AgreementState
		}
		if res.AllPairs != 2 || states[f.pair] != agreement.StateActive || states[f.ended] != agreement.StateEnded {
			t.Errorf("dashboard: %d pairs, states %v", res.AllPairs, states)
		}

		// Today's code writes on top of the old rows: a new meeting gets a
		// fresh id (the identity sequences moved with the old inserts) and
		// the facts triggers follow it.
		bundle, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		mentee, err := account.ByID(ctx, db, f.mentee)
		if err != nil {
			t.Fatal(err)
		}
		svc := &meeting.Service{DB: db, Clock: clock.NewFixed(now), Outbox: &notify.Outbox{Bundle: bundle, BaseURL: "https://mentorskap.example.org"}}
		m, err := svc.Propose(ctx, mentee, f.pair, meeting.Proposal{Date: "2025-03-20", Time: "17:00", Timezone: "Europe/Oslo", Minutes: 60, Place: "Kafé"})
		if err != nil {
			t.Fatalf("propose after the upgrade: %v", err)
		}
		if m.ID <= f.booked {
			t.Errorf("new meeting id %d, last old one %d", m.ID, f.booked)
		}
		if got, want := factstest.Stored(t, db, f.pair), factstest.Recomputed(t, db, f.pair); got.String() != want.String() {
			t.Errorf("facts after a new meeting:\n got %s\nwant %s", got, want)
		}
	})
}
