package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// privEnv is a program with one pair (mentor, mentee), a second pair, a
// coordinator, a coordinator of another program and an administrator.
type privEnv struct {
	t                                testing.TB
	ctx                              context.Context
	db                               *store.DB
	clk                              *clock.Fixed
	out                              *notify.Outbox
	l                                *i18n.Locale
	accounts                         *account.Service
	agreements                       *agreement.Service
	prog                             *program.Program
	coord, alien, admin              *account.User
	mentor, mentee, mentor2, mentee2 *account.User
	pair, pair2                      *program.Pair
	meeting, meeting2                int64
	n                                int
}

func newPrivEnv(t testing.TB, db *store.DB) *privEnv {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: b, BaseURL: "http://mentorskap.test"}
	e := &privEnv{t: t, ctx: context.Background(), db: db, clk: clk, out: out, l: b.Locale("en"),
		accounts:   &account.Service{DB: db, Clock: clk, Outbox: out},
		agreements: &agreement.Service{DB: db, Clock: clk, Outbox: out}}
	e.coord = e.user("coord", account.RoleCoordinator)
	e.alien = e.user("alien", account.RoleCoordinator)
	e.admin = e.user("admin", account.RoleAdmin)
	e.mentor = e.user("mentor", account.RoleMember)
	e.mentee = e.user("mentee", account.RoleMember)
	e.mentor2 = e.user("mentor2", account.RoleMember)
	e.mentee2 = e.user("mentee2", account.RoleMember)
	ps := &program.Service{DB: db, Clock: clk, Outbox: out}
	in := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	in.Name = "Privacy cohort"
	if e.prog, err = ps.Create(e.ctx, e.coord, in); err != nil {
		t.Fatal(err)
	}
	other := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	other.Name = "Elsewhere"
	if _, err := ps.Create(e.ctx, e.alien, other); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		u    *account.User
		role string
	}{{e.mentor, "mentor"}, {e.mentee, "mentee"}, {e.mentor2, "mentor"}, {e.mentee2, "mentee"}} {
		e.exec(`INSERT INTO participants (program_id, user_id, role, status, capacity, about, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?, ?)`, e.prog.ID, p.u.ID, p.role, "About "+p.u.Name, clk.Now(), clk.Now())
	}
	if e.pair, err = ps.CreatePair(e.ctx, e.coord, e.prog.ID, []int64{e.mentor.ID}, []int64{e.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	if e.pair2, err = ps.CreatePair(e.ctx, e.coord, e.prog.ID, []int64{e.mentor2.ID}, []int64{e.mentee2.ID}); err != nil {
		t.Fatal(err)
	}
	e.meeting = e.addMeeting(e.pair.ID)
	e.meeting2 = e.addMeeting(e.pair2.ID)
	return e
}

func (e *privEnv) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(e.ctx, q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
}

func (e *privEnv) user(name, role string) *account.User {
	e.t.Helper()
	u, err := e.accounts.Create(e.ctx, account.NewUser{Email: name + "@example.org", Name: "Name " + name,
		Password: "password-" + name, Role: role, Language: "en"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *privEnv) addMeeting(pairID int64) int64 {
	e.t.Helper()
	e.n++
	var id int64
	now := e.clk.Now()
	err := e.db.Tx(e.ctx, func(tx *store.Tx) error {
		return tx.QueryRow(e.ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place,
		created_at, updated_at) VALUES (?, ?, 'confirmed', ?, 'UTC', 60, 'Library room 4', ?, ?) RETURNING id`,
			pairID, "m"+strconv.Itoa(e.n)+"@test", now.Add(-24*time.Hour), now, now).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// content writes what each person keeps in the pairs: every text is a
// canary whose presence or absence the tests look for.
func (e *privEnv) content() {
	now := e.clk.Now()
	e.exec(`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, ?, 1, ?)`,
		e.meeting, e.mentee.ID, "CANARY-MENTEE-PRIVATE", now)
	e.exec(`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, ?, 1, ?)`,
		e.meeting, e.mentor.ID, "CANARY-MENTOR-PRIVATE", now)
	e.exec(`INSERT INTO agreement_preparations (pair_id, user_id, answers, updated_at) VALUES (?, ?, ?, ?)`,
		e.pair.ID, e.mentee.ID, `{"hopes":"CANARY-MENTEE-PREP"}`, now)
	e.exec(`INSERT INTO agreement_preparations (pair_id, user_id, answers, updated_at) VALUES (?, ?, ?, ?)`,
		e.pair.ID, e.mentor.ID, `{"hopes":"CANARY-MENTOR-PREP"}`, now)
	e.exec(`INSERT INTO meeting_notes (meeting_id, today, version, updated_at) VALUES (?, ?, 1, ?)`,
		e.meeting, "SHARED-NOTE", now)
	e.exec(`INSERT INTO messages (pair_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)`,
		e.pair.ID, e.mentee.ID, "SHARED-MSG-FROM-MENTEE", now)
	e.exec(`INSERT INTO messages (pair_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)`,
		e.pair2.ID, e.mentee2.ID, "CANARY-OTHER-PAIR-MSG", now)
	e.exec(`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, ?, 1, ?)`,
		e.meeting2, e.mentee2.ID, "CANARY-OTHER-PAIR-PRIVATE", now)
	e.exec(`INSERT INTO goals (pair_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		e.pair.ID, "SHARED-GOAL", now, now)
	e.exec(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'followup', ?, ?, ?)`,
		e.pair.ID, now, now, now)
	e.exec(`INSERT INTO evaluation_questions (program_id, kind, qtype, position, created_at) VALUES (?, 'followup', 'text', 1, ?)`,
		e.prog.ID, now)
	for _, a := range []struct {
		u    *account.User
		text string
	}{{e.mentee, "CANARY-MENTEE-EVAL"}, {e.mentor, "CANARY-MENTOR-EVAL"}} {
		e.exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at)
			SELECT id, ?, ? FROM checkpoints WHERE pair_id = ?`, a.u.ID, now, e.pair.ID)
		e.exec(`INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, text)
			SELECT c.id, ?, q.id, ? FROM checkpoints c, evaluation_questions q WHERE c.pair_id = ? AND q.program_id = ?`,
			a.u.ID, a.text, e.pair.ID, e.prog.ID)
	}
}

// sign makes version 1 of the pair's agreement and has both sides sign it.
func (e *privEnv) sign() *agreement.Version {
	e.t.Helper()
	c := agreement.Content{StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 5, Frequency: "Monthly",
		TypicalMinutes: 60, MaxMinutes: 90, Places: "Online", CancelRule: "Ask early", CancelNoticeHours: 24,
		UrgentRule: "Call", MentorRole: "Listens", MenteeRole: "Leads", Relationship: agreement.RelationProfessional,
		Confidentiality: "Between us", CoordinatorSees: agreement.ShareNothing, Voluntary: "Either may end it.",
		Goals: []agreement.Goal{{Key: "g1", Title: "AGREED-GOAL"}}}
	v, err := e.agreements.SaveDraft(e.ctx, e.mentor, e.pair.ID, 0, c, e.l)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []*account.User{e.mentor, e.mentee} {
		if v, err = e.agreements.Sign(e.ctx, u, e.pair.ID, v.Number, "password-"+strings.TrimSuffix(u.Email, "@example.org"), u.Name); err != nil {
			e.t.Fatal(err)
		}
	}
	return v
}

func (e *privEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (e *privEnv) mailsTo(u *account.User, subject string) int {
	return e.count(`SELECT COUNT(*) FROM outbox WHERE to_email = ? AND subject LIKE ?`, u.Email, "%"+subject+"%")
}

func TestExportHoldsOwnDataAndNoOneElsesPrivateData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		e.content()
		v := e.sign()
		var buf bytes.Buffer
		if err := WriteZIP(e.ctx, db, &buf, e.mentee, e.l, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		data := string(files["data.json"])
		var parsed Export
		if err := json.Unmarshal(files["data.json"], &parsed); err != nil {
			t.Fatalf("data.json: %v", err)
		}
		if parsed.Account["email"] != e.mentee.Email {
			t.Errorf("account = %v", parsed.Account)
		}
		for _, want := range []string{"CANARY-MENTEE-PRIVATE", "CANARY-MENTEE-PREP", "SHARED-NOTE", "SHARED-MSG-FROM-MENTEE",
			"SHARED-GOAL", "AGREED-GOAL", v.Hash, "CANARY-MENTEE-EVAL", "About Name mentee", "Privacy cohort", "Library room 4"} {
			if !strings.Contains(data, want) {
				t.Errorf("export lacks %q", want)
			}
		}
		for _, never := range []string{"CANARY-MENTOR-PRIVATE", "CANARY-MENTOR-PREP", "CANARY-MENTOR-EVAL", "CANARY-OTHER-PAIR",
			"About Name mentor", "password_hash", "token_hash", "argon2id"} {
			if strings.Contains(data, never) {
				t.Errorf("export leaks %q", never)
			}
		}
		pdf := files["agreements/mentoring-agreement-"+strconv.FormatInt(e.pair.ID, 10)+"-v1.pdf"]
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("no signed agreement PDF in the archive: %v", len(files))
		}
		// Someone with no signed agreement gets data.json alone.
		buf.Reset()
		if err := WriteZIP(e.ctx, db, &buf, e.mentee2, e.l, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		zr, _ = zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if len(zr.File) != 1 || zr.File[0].Name != "data.json" {
			t.Errorf("mentee2's archive: %d files", len(zr.File))
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		e.content()
		v := e.sign()
		if _, err := e.accounts.IssueToken(e.ctx, e.mentee.ID, "cli"); err != nil {
			t.Fatal(err)
		}
		err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "wrong password")
		if errs.KindOf(err) != errs.Invalid {
			t.Fatalf("wrong password: %v", err)
		}
		if e.count(`SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at IS NULL AND name = ?`, e.mentee.ID, e.mentee.Name) != 1 {
			t.Fatal("a refused deletion changed the account")
		}
		e.clk.Advance(time.Hour)
		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "password-mentee"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.accounts.Login(e.ctx, "mentee@example.org", "password-mentee", "192.0.2.1"); errs.KindOf(err) != errs.Unauthorized {
			t.Errorf("login after deletion: %v", err)
		}
		var name, email string
		if err := db.QueryRow(e.ctx, `SELECT name, email FROM users WHERE id = ?`, e.mentee.ID).Scan(&name, &email); err != nil {
			t.Fatal(err)
		}
		if name != "" || email != Tombstone(e.mentee.ID) {
			t.Errorf("not anonymised: %q %q", name, email)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM private_notes WHERE user_id = ?`:          0,
			`SELECT COUNT(*) FROM agreement_preparations WHERE user_id = ?`: 0,
			`SELECT COUNT(*) FROM participants WHERE user_id = ?`:           0,
			`SELECT COUNT(*) FROM sessions WHERE user_id = ?`:               0,
			`SELECT COUNT(*) FROM api_tokens WHERE user_id = ?`:             0,
			`SELECT COUNT(*) FROM evaluation_answers WHERE user_id = ?`:     0,
			`SELECT COUNT(*) FROM messages WHERE sender_id = ?`:             1, // the mentor's record
			`SELECT COUNT(*) FROM pair_members WHERE user_id = ?`:           1,
		} {
			if got := e.count(q, e.mentee.ID); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		// The other side keeps everything of theirs.
		if e.count(`SELECT COUNT(*) FROM private_notes WHERE user_id = ?`, e.mentor.ID) != 1 ||
			e.count(`SELECT COUNT(*) FROM agreement_preparations WHERE user_id = ?`, e.mentor.ID) != 1 {
			t.Error("the other side lost their own records")
		}
		p, err := program.GetPair(e.ctx, db, e.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Active() {
			t.Error("the pair still runs")
		}
		end, err := program.GetEnding(e.ctx, db, e.pair.ID)
		if err != nil || end.How != program.EndedByMember || end.Reason != "" {
			t.Errorf("ending = %+v, %v", end, err)
		}
		if e.mailsTo(e.mentor, "has ended") != 1 || e.mailsTo(e.coord, "account was deleted") != 1 {
			t.Error("the other side or the coordinator was not told")
		}
		got, err := agreement.GetVersion(e.ctx, db, e.pair.ID, v.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash != v.Hash || !got.Intact || !got.Complete() {
			t.Errorf("signed agreement changed: %+v", got)
		}
		// The mentor can still download their copy.
		if _, err := e.agreements.SignedCopy(e.ctx, e.mentor, e.pair.ID, v.Number); err != nil {
			t.Errorf("mentor's copy after deletion: %v", err)
		}
		// The other pair is untouched.
		if p2, _ := program.GetPair(e.ctx, db, e.pair2.ID); !p2.Active() {
			t.Error("an unrelated pair ended")
		}
		// Deleting twice is not possible.
		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "password-mentee"); errs.KindOf(err) == 0 {
			t.Error("deleted twice")
		}
	})
}

func TestLastAdministratorCannotLeave(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.admin, "password-admin")
		if errs.KindOf(err) != errs.Conflict {
			t.Fatalf("last admin: %v", err)
		}
		second := e.user("admin2", account.RoleAdmin)
		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.admin, "password-admin"); err != nil {
			t.Fatal(err)
		}
		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), second, "password-admin2"); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("the deleted admin still counted: %v", err)
		}
	})
}

func TestRetentionAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		for _, c := range []struct {
			who  *account.User
			want errs.Kind
		}{{nil, errs.Unauthorized}, {e.mentor, errs.Forbidden}, {e.alien, errs.NotFound}, {e.coord, 0}, {e.admin, 0}} {
			err := SetRetention(e.ctx, db, c.who, e.prog.ID, 6)
			if errs.KindOf(err) != c.want {
				t.Errorf("%v: %v", c.who, err)
			}
			if _, err := GetRetention(e.ctx, db, c.who, e.prog.ID); errs.KindOf(err) != c.want {
				t.Errorf("get %v: %v", c.who, err)
			}
		}
		for _, bad := range []int{-1, MaxRetentionMonths + 1} {
			if err := SetRetention(e.ctx, db, e.coord, e.prog.ID, bad); errs.KindOf(err) != errs.Invalid {
				t.Errorf("%d months: %v", bad, err)
			}
		}
		r, err := GetRetention(e.ctx, db, e.coord, e.prog.ID)
		if err != nil || r.Months != 6 || r.PurgeAt == nil || !r.PurgeAt.Equal(e.prog.End.AddDate(0, 6, 1)) {
			t.Errorf("retention = %+v, %v", r, err)
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		e.content()
		v := e.sign()
		// A later, unsigned draft goes; the signed version stays.
		if _, err := db.Exec(e.ctx, `INSERT INTO agreement_versions (pair_id, number, content, hash, created_by, created_at)
			SELECT pair_id, 2, content, hash, created_by, created_at FROM agreement_versions WHERE pair_id = ? AND number = 1`, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		e.exec(`UPDATE programs SET end_date = '2026-06-30' WHERE id = ?`, e.prog.ID)
		if err := SetRetention(e.ctx, db, e.coord, e.prog.ID, 3); err != nil {
			t.Fatal(err)
		}
		e.clk.Set(time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC)) // the last day content is kept
		done, err := PurgeExpired(e.ctx, db, e.out, e.clk.Now())
		if err != nil || len(done) != 0 {
			t.Fatalf("early purge: %v %v", done, err)
		}
		if e.count(`SELECT COUNT(*) FROM messages`) != 2 {
			t.Fatal("content went early")
		}
		e.clk.Set(time.Date(2026, 10, 1, 3, 0, 0, 0, time.UTC))
		done, err = PurgeExpired(e.ctx, db, e.out, e.clk.Now())
		if err != nil || len(done) != 1 || done[0].ProgramID != e.prog.ID {
			t.Fatalf("purge: %+v %v", done, err)
		}
		for _, table := range []string{"private_notes", "agreement_preparations", "meeting_notes", "messages", "goals", "evaluation_answers"} {
			if n := e.count(`SELECT COUNT(*) FROM ` + table); n != 0 {
				t.Errorf("%s: %d rows left", table, n)
			}
		}
		if e.count(`SELECT COUNT(*) FROM meetings WHERE place <> ''`) != 0 {
			t.Error("meeting places kept")
		}
		if e.count(`SELECT COUNT(*) FROM meetings`) != 2 || e.count(`SELECT COUNT(*) FROM pairs`) != 2 {
			t.Error("pairs or meetings themselves were removed")
		}
		got, err := agreement.GetVersion(e.ctx, db, e.pair.ID, v.Number)
		if err != nil || got.Hash != v.Hash || !got.Intact {
			t.Errorf("signed version: %+v %v", got, err)
		}
		if e.count(`SELECT COUNT(*) FROM agreement_versions WHERE pair_id = ?`, e.pair.ID) != 1 {
			t.Error("the unsigned draft survived")
		}
		if e.mailsTo(e.coord, "has been deleted") != 1 {
			t.Error("coordinator not told")
		}
		var body string
		if err := db.QueryRow(e.ctx, `SELECT body FROM outbox WHERE to_email = ? AND subject LIKE '%has been deleted%'`, e.coord.Email).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "Messages: 2") || !strings.Contains(body, "Notes: 4") {
			t.Errorf("summary:\n%s", body)
		}
		// Again: nothing left to remove, nothing sent.
		e.clk.Advance(24 * time.Hour)
		done, err = PurgeExpired(e.ctx, db, e.out, e.clk.Now())
		if err != nil || len(done) != 0 || e.mailsTo(e.coord, "has been deleted") != 1 {
			t.Errorf("second purge: %+v %v", done, err)
		}
	})
}

// Wrong passwords on the deletion form count against the login throttle:
// after MaxFailsPerKey of them even the right password deletes nothing
// until the window passes.
func TestDeleteAccountThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		for i := 0; i < account.MaxFailsPerKey; i++ {
			if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "wrong password"); errs.KindOf(err) != errs.Invalid {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
		}
		err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "password-mentee")
		if e2, ok := errs.As(err); !ok || e2.Kind != errs.TooMany || e2.Fields["password"].Key != "password.error.throttled" {
			t.Fatalf("right password while throttled: %v", err)
		}
		if e.count(`SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at IS NULL`, e.mentee.ID) != 1 {
			t.Fatal("a throttled deletion removed the account")
		}
		e.clk.Advance(account.ThrottleWindow + time.Second)
		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), e.mentee, "password-mentee"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// unzip reads every file of an archive.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

// hostile is text the PDF fonts cannot draw: emoji (one joined into a
// family, a flag), Arabic, Hebrew, Chinese, Japanese, a combining accent,
// Zalgo, control characters and a right-to-left override.
const hostile = "😀 👩\u200d👩\u200d👧 🇳🇴 مرحبا שלום 你好 日本語 Cafe\u0301 Z\u0337\u0322a\u0338l\u0335g\u0337o \x07\x1b \u202eevil\u202c"

// TestExportWithTextTheFontsLack: an agreement written and signed in
// emoji and other scripts still gives both members a data download with
// its PDF, and the exact text in data.json.
func TestExportWithTextTheFontsLack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		e.mentor.Name, e.mentee.Name = "Åse 😀 Ødegård", "Dewi 👩\u200d👩\u200d👧 مرحبا Lestari"
		for _, u := range []*account.User{e.mentor, e.mentee} {
			e.exec(`UPDATE users SET name = ? WHERE id = ?`, u.Name, u.ID)
		}
		e.exec(`UPDATE programs SET name = ? WHERE id = ?`, "Vår 🇳🇴 你好 kull", e.prog.ID)
		c := agreement.Content{StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 5, TypicalMinutes: 60,
			MaxMinutes: 90, CancelNoticeHours: 24, Relationship: agreement.RelationProfessional,
			CoordinatorSees: agreement.ShareNothing, Goals: []agreement.Goal{{Key: "g1", Title: "Mål " + hostile, Measure: hostile}}}
		for _, s := range []*string{&c.Frequency, &c.Places, &c.Communication, &c.ResponseTime, &c.CancelRule,
			&c.UrgentRule, &c.MentorRole, &c.MenteeRole, &c.Mentor.Will, &c.Mentor.WillNot, &c.Mentor.Can,
			&c.Mentor.Cannot, &c.Mentee.Will, &c.Mentee.WillNot, &c.Mentee.Can, &c.Mentee.Cannot, &c.TopicsIn,
			&c.TopicsOut, &c.Confidentiality, &c.Costs, &c.Unmet} {
			*s = "før-æøå " + hostile + " etter-ÆØÅ"
		}
		v, err := e.agreements.SaveDraft(e.ctx, e.mentor, e.pair.ID, 0, c, e.l)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{e.mentor, e.mentee} {
			if v, err = e.agreements.Sign(e.ctx, u, e.pair.ID, v.Number, "password-"+strings.TrimSuffix(u.Email, "@example.org"), u.Name); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []*account.User{e.mentor, e.mentee} {
			var buf bytes.Buffer
			if err := WriteZIP(e.ctx, db, &buf, u, e.l, e.clk.Now()); err != nil {
				t.Fatalf("%s's download: %v", u.Name, err)
			}
			files := unzip(t, buf.Bytes())
			if pdf := files["agreements/"+agreement.CopyFileName(e.pair.ID, v.Number)]; !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Errorf("%s's download has no PDF: %d files", u.Name, len(files))
			}
			if _, ok := files["README.txt"]; ok {
				t.Errorf("%s's download says something is missing:\n%s", u.Name, files["README.txt"])
			}
			var parsed Export
			if err := json.Unmarshal(files["data.json"], &parsed); err != nil {
				t.Fatal(err)
			}
			var got agreement.Content
			if versions := parsed.Sections["agreement_versions"]; len(versions) == 1 {
				json.Unmarshal([]byte(versions[0]["content"].(string)), &got)
			}
			if got.Frequency != c.Frequency || len(got.Parties) != 2 || got.Parties[1].Name != e.mentee.Name {
				t.Errorf("data.json lacks the exact text: %+q", got.Frequency)
			}
		}
	})
}

// TestExportLeavesOutWhatItCannotMake: a copy that cannot be made costs
// the person that copy only; the archive says which and why, in their
// language.
func TestExportLeavesOutWhatItCannotMake(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		e.content()
		v := e.sign()
		// A second signed version, whose stored text has been altered.
		c := v.Content
		c.Frequency = "Weekly"
		v2, err := e.agreements.SaveDraft(e.ctx, e.mentor, e.pair.ID, v.Number, c, e.l)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{e.mentor, e.mentee} {
			if _, err = e.agreements.Sign(e.ctx, u, e.pair.ID, v2.Number, "password-"+strings.TrimSuffix(u.Email, "@example.org"), u.Name); err != nil {
				t.Fatal(err)
			}
		}
		// The store refuses to change a version; only someone at the
		// database itself could.
		if db.Dialect() == store.Postgres {
			e.exec(`ALTER TABLE agreement_versions DISABLE TRIGGER agreement_versions_frozen`)
		} else {
			e.exec(`DROP TRIGGER agreement_versions_no_update`)
		}
		e.exec(`UPDATE agreement_versions SET content = REPLACE(content, 'Weekly', 'Daily') WHERE pair_id = ? AND number = ?`,
			e.pair.ID, v2.Number)
		// A third, signed by one side only: no copy, and nothing to say.
		c.Frequency = "Fortnightly"
		v3, err := e.agreements.SaveDraft(e.ctx, e.mentor, e.pair.ID, v2.Number, c, e.l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err = e.agreements.Sign(e.ctx, e.mentor, e.pair.ID, v3.Number, "password-mentor", e.mentor.Name); err != nil {
			t.Fatal(err)
		}

		b, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		nb := b.Locale("nb")
		failing := func(io.Writer, *agreement.Printed, *i18n.Locale, time.Time) error {
			return errors.New("the printer is on fire")
		}
		var buf bytes.Buffer
		if err := writeZIP(e.ctx, db, &buf, e.mentee, nb, e.clk.Now(), failing); err != nil {
			t.Fatalf("the download fails with its copies: %v", err)
		}
		files := unzip(t, buf.Bytes())
		if !strings.Contains(string(files["data.json"]), "CANARY-MENTEE-PRIVATE") {
			t.Error("data.json is missing or incomplete")
		}
		if len(files) != 2 {
			t.Errorf("archive holds %d files, want data.json and README.txt", len(files))
		}
		note := string(files["README.txt"])
		v1Name, v2Name := agreement.CopyFileName(e.pair.ID, v.Number), agreement.CopyFileName(e.pair.ID, v2.Number)
		for _, want := range []string{
			nb.T("privacy.export.missing_title"), nb.T("privacy.export.missing_intro"),
			"agreements/" + v1Name + "\n    " + nb.T("privacy.export.missing_internal", "detail", "the printer is on fire"),
			"agreements/" + v2Name + "\n    " + nb.T("copy.error.not_intact", "version", v2.Number),
		} {
			if !strings.Contains(note, want) {
				t.Errorf("README.txt lacks %q:\n%s", want, note)
			}
		}
		if strings.Contains(note, agreement.CopyFileName(e.pair.ID, v3.Number)) {
			t.Errorf("README.txt names the half-signed version:\n%s", note)
		}

		// With a working printer only the altered version is missing.
		buf.Reset()
		if err := WriteZIP(e.ctx, db, &buf, e.mentee, nb, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		files = unzip(t, buf.Bytes())
		if !bytes.HasPrefix(files["agreements/"+v1Name], []byte("%PDF-")) || files["agreements/"+v2Name] != nil ||
			!strings.Contains(string(files["README.txt"]), v2Name) || strings.Contains(string(files["README.txt"]), v1Name) {
			t.Errorf("archive with one altered version: %d files; README.txt:\n%s", len(files), files["README.txt"])
		}
	})
}
