package matching

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// smEnv is a program with self-match turned on, built directly in the
// database.
type smEnv struct {
	t      *testing.T
	db     *store.DB
	clk    *clock.Fixed
	svc    *Service
	progs  *program.Service
	bundle *i18n.Bundle
	coord  *account.User
	prog   *program.Program
	n      int
}

func newSMEnv(t *testing.T, db *store.DB) *smEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	e := &smEnv{t: t, db: db, clk: clk, bundle: bundle,
		svc:   &Service{DB: db, Clock: clk, Outbox: out},
		progs: &program.Service{DB: db, Clock: clk, Outbox: out}}
	e.coord = e.user("Cora Coordinator", account.RoleCoordinator, "en")
	st := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	st.Name = "Spring cohort"
	if e.prog, err = e.progs.Create(context.Background(), e.coord, st); err != nil {
		t.Fatal(err)
	}
	e.selfMatch(true, 3)
	return e
}

// selfMatch turns self-match on or off with the given number of
// suggestions; a request has 7 days.
func (e *smEnv) selfMatch(on bool, suggestions int) {
	e.t.Helper()
	set := DefaultSettings()
	set.SelfMatch, set.Suggestions, set.RequestDays = on, suggestions, 7
	if err := e.svc.SaveSettings(context.Background(), e.coord, e.prog.ID, set); err != nil {
		e.t.Fatal(err)
	}
}

func (e *smEnv) user(name, role, lang string) *account.User {
	e.t.Helper()
	e.n++
	u, err := (&account.Service{DB: e.db, Clock: e.clk}).Create(context.Background(), account.NewUser{
		Email: fmt.Sprintf("s%d@example.org", e.n), Name: name, Password: "long-enough-password", Role: role, Language: lang,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// smPerson is the part of a profile these tests vary.
type smPerson struct {
	name, lang, langs, field, skills, needs, org, status string
	capacity                                             int
}

func (e *smEnv) join(role string, p smPerson) *account.User {
	e.t.Helper()
	if p.lang == "" {
		p.lang = "en"
	}
	u := e.user(p.name, account.RoleMember, p.lang)
	now := e.clk.Now()
	if p.capacity == 0 {
		p.capacity = 1
	}
	if p.status == "" {
		p.status = program.StatusApproved
	}
	if p.langs == "" {
		p.langs = "en"
	}
	if p.org == "" {
		p.org = "Org of " + p.name
	}
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status,
		languages, field, skills, needs, organisation, capacity, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.prog.ID, u.ID, role, p.status, p.langs, p.field, p.skills, p.needs, p.org, p.capacity, now, now); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *smEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

type smMail struct{ To, Subject, Body string }

func (e *smEnv) mailsTo(email string) []smMail {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox WHERE to_email = ? ORDER BY id`, email)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []smMail
	for rows.Next() {
		var m smMail
		if err := rows.Scan(&m.To, &m.Subject, &m.Body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func smWant(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error %v, want kind %d %s", err, kind, key)
	}
}

func mentorNames(v *SelfMatch) []string {
	var out []string
	for _, s := range v.Suggestions {
		out = append(out, s.Mentor.Name)
	}
	return out
}

func TestSuggestionsRankedAndExplained(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		needs := "Public speaking\nNetworking\nSalary negotiation"
		me := e.join("mentee", smPerson{name: "Mia Mentee", langs: "nb,en", field: "Engineering", needs: needs, org: "Acme"})
		e.join("mentor", smPerson{name: "Best Match", langs: "nb", field: "Engineering", skills: needs, capacity: 2})
		e.join("mentor", smPerson{name: "Good Match", langs: "en", field: "Engineering", skills: "Networking\nPublic speaking"})
		e.join("mentor", smPerson{name: "Fair Match", langs: "en", field: "Design", skills: "Networking"})
		e.join("mentor", smPerson{name: "Weak Match", langs: "en", field: "Law"})
		e.join("mentor", smPerson{name: "No Language", langs: "sv", field: "Engineering", skills: needs})
		e.join("mentor", smPerson{name: "Same Org", langs: "nb", field: "Engineering", skills: needs, org: "Acme"})
		e.join("mentor", smPerson{name: "Pending Mentor", langs: "nb", field: "Engineering", skills: needs, status: program.StatusPending})
		full := e.join("mentor", smPerson{name: "Full Mentor", langs: "nb", field: "Engineering", skills: needs})
		other := e.join("mentee", smPerson{name: "Other Mentee"})
		if _, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{full.ID}, []int64{other.ID}); err != nil {
			t.Fatal(err)
		}

		v, err := e.svc.SelfMatchFor(ctx, me, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.CanRequest() {
			t.Fatalf("cannot request: %+v", v)
		}
		got := strings.Join(mentorNames(v), ", ")
		if got != "Best Match, Good Match, Fair Match" {
			t.Fatalf("suggestions %q", got)
		}
		for i := 1; i < len(v.Suggestions); i++ {
			if v.Suggestions[i-1].Score < v.Suggestions[i].Score {
				t.Fatalf("not ranked by score: %+v", v.Suggestions)
			}
		}
		best := v.Suggestions[0]
		if best.Places != 2 || best.Percent <= v.Suggestions[2].Percent || best.Percent > 100 {
			t.Fatalf("best: places %d, percent %d", best.Places, best.Percent)
		}
		l := e.bundle.Locale("en")
		var why []string
		for _, r := range best.Reasons {
			why = append(why, r.Localize(l))
		}
		text := strings.Join(why, " | ")
		if len(why) < 2 || strings.Contains(text, "score.") {
			t.Fatalf("explanation %q", text)
		}

		// More suggestions show the weaker one; an excluded mentor never shows.
		e.selfMatch(true, 10)
		v, _ = e.svc.SelfMatchFor(ctx, me, e.prog.ID)
		if got := strings.Join(mentorNames(v), ", "); got != "Best Match, Good Match, Fair Match, Weak Match" {
			t.Fatalf("all allowed: %q", got)
		}
		good := v.Suggestions[1].Mentor.UserID
		if err := AddExclusion(ctx, db, e.prog.ID, me.ID, good); err != nil {
			t.Fatal(err)
		}
		v, _ = e.svc.SelfMatchFor(ctx, me, e.prog.ID)
		if got := strings.Join(mentorNames(v), ", "); got != "Best Match, Fair Match, Weak Match" {
			t.Fatalf("after excluding: %q", got)
		}
	})
}

func TestSelfMatchWho(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		mentor := e.join("mentor", smPerson{name: "Max Mentor", capacity: 3})
		mentee := e.join("mentee", smPerson{name: "Mia Mentee"})
		pending := e.join("mentee", smPerson{name: "Pia Pending", status: program.StatusPending})
		paired := e.join("mentee", smPerson{name: "Pat Paired"})
		if _, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{mentor.ID}, []int64{paired.ID}); err != nil {
			t.Fatal(err)
		}
		stranger := e.user("Sam Stranger", account.RoleMember, "en")
		alien := e.user("Al Alien", account.RoleCoordinator, "en")
		admin := e.user("Ada Admin", account.RoleAdmin, "en")

		// Viewing: strangers learn nothing, other roles are told why not.
		for _, c := range []struct {
			name  string
			actor *account.User
			kind  errs.Kind
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"stranger", stranger, errs.NotFound},
			{"coordinator of another program", alien, errs.NotFound},
			{"coordinator", e.coord, errs.Forbidden},
			{"administrator", admin, errs.Forbidden},
			{"mentor", mentor, errs.Forbidden},
		} {
			if _, err := e.svc.SelfMatchFor(ctx, c.actor, e.prog.ID); errs.KindOf(err) != c.kind || err == nil {
				t.Fatalf("%s views: %v", c.name, err)
			}
			if _, err := e.svc.RequestMentor(ctx, c.actor, e.prog.ID, mentor.ID, ""); errs.KindOf(err) != c.kind || err == nil {
				t.Fatalf("%s requests: %v", c.name, err)
			}
		}
		// A pending or paired mentee sees why, with no suggestions.
		v, err := e.svc.SelfMatchFor(ctx, pending, e.prog.ID)
		if err != nil || v.CanRequest() || len(v.Suggestions) != 0 {
			t.Fatalf("pending: %v %+v", err, v)
		}
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, pending, e.prog.ID, mentor.ID, ""); return err }(),
			errs.Forbidden, "selfmatch.error.not_approved")
		v, err = e.svc.SelfMatchFor(ctx, paired, e.prog.ID)
		if err != nil || !v.Paired || len(v.Suggestions) != 0 {
			t.Fatalf("paired: %v %+v", err, v)
		}
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, paired, e.prog.ID, mentor.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.paired")
		// Self-match off: nothing to request.
		e.selfMatch(false, 5)
		v, err = e.svc.SelfMatchFor(ctx, mentee, e.prog.ID)
		if err != nil || v.CanRequest() || len(v.Suggestions) != 0 {
			t.Fatalf("off: %v %+v", err, v)
		}
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.off")
		e.selfMatch(true, 5)
		// Asking someone who is not a suggestion (a mentee, or nobody).
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, paired.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.not_suggested")
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, 0, ""); return err }(),
			errs.Conflict, "selfmatch.error.not_suggested")
		// A note too long is refused.
		_, err = e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, strings.Repeat("n", MaxNoteLen+1))
		if x, ok := errs.As(err); !ok || x.Fields["note"].Key != "error.too_long" {
			t.Fatalf("long note: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM match_requests`); n != 0 {
			t.Fatalf("%d requests saved by refusals", n)
		}
		// The inbox is the mentors'.
		for _, c := range []struct {
			actor *account.User
			kind  errs.Kind
		}{{nil, errs.Unauthorized}, {stranger, errs.NotFound}, {alien, errs.NotFound}, {e.coord, errs.Forbidden}, {mentee, errs.Forbidden}} {
			if _, err := e.svc.MentorInbox(ctx, c.actor, e.prog.ID); errs.KindOf(err) != c.kind || err == nil {
				t.Fatalf("inbox for %v: %v", c.actor, err)
			}
		}
	})
}

func TestRequestAcceptCreatesPair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		mentor := e.join("mentor", smPerson{name: "Max Mentor", lang: "nb", capacity: 2})
		mentee := e.join("mentee", smPerson{name: "Mia Mentee", lang: "sv"})
		other := e.join("mentee", smPerson{name: "Ola Other"})

		req, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, "  I would love help with interviews.  ")
		if err != nil {
			t.Fatal(err)
		}
		if req.Status != RequestOpen || req.Note != "I would love help with interviews." ||
			!req.ExpiresAt.Equal(e.clk.Now().Add(7*24*time.Hour)) {
			t.Fatalf("request %+v", req)
		}
		m := e.mailsTo(mentor.Email)
		if len(m) != 1 || !strings.Contains(m[0].Subject, "Mia Mentee ønsker deg som mentor") ||
			!strings.Contains(m[0].Body, "http://mentorskap.test/programs/") || !strings.Contains(m[0].Body, "9. mar. 2026") {
			t.Fatalf("mentor email %+v", m)
		}
		// One open request at a time.
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.open_request")

		// The mentor sees it with the mentee's profile; the mentee sees it waiting.
		box, err := e.svc.MentorInbox(ctx, mentor, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if box.OpenCount() != 1 || box.Requests[0].Mentee == nil || box.Requests[0].Mentee.UserID != mentee.ID {
			t.Fatalf("inbox %+v", box)
		}
		v, _ := e.svc.SelfMatchFor(ctx, mentee, e.prog.ID)
		if v.Open == nil || v.Open.ID != req.ID || v.CanRequest() {
			t.Fatalf("mentee view %+v", v)
		}
		if n, _ := OpenRequestsFor(ctx, db, e.prog.ID, mentor.ID, e.clk.Now()); n != 1 {
			t.Fatalf("open count %d", n)
		}

		// Only the mentor answers; only the mentee withdraws.
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, mentee, e.prog.ID, req.ID); return err }(),
			errs.Forbidden, "selfmatch.error.mentor_answers")
		smWant(t, func() error { _, err := e.svc.WithdrawRequest(ctx, mentor, e.prog.ID, req.ID); return err }(),
			errs.Forbidden, "selfmatch.error.mentee_withdraws")
		for _, c := range []struct {
			actor *account.User
			kind  errs.Kind
		}{{other, errs.NotFound}, {e.coord, errs.NotFound}, {nil, errs.Unauthorized}} {
			if _, err := e.svc.AcceptRequest(ctx, c.actor, e.prog.ID, req.ID); err == nil || errs.KindOf(err) != c.kind {
				t.Fatalf("accept by %v: %v", c.actor, err)
			}
		}
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, mentor, e.prog.ID+100, req.ID); return err }(),
			errs.NotFound, "selfmatch.error.request_not_found")

		got, err := e.svc.AcceptRequest(ctx, mentor, e.prog.ID, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != RequestAccepted || got.PairID == nil || got.DecidedAt == nil {
			t.Fatalf("accepted %+v", got)
		}
		pair, err := program.GetPair(ctx, db, *got.PairID)
		if err != nil {
			t.Fatal(err)
		}
		if !pair.Active() || pair.SideOf(mentor.ID) != program.SideMentor || pair.SideOf(mentee.ID) != program.SideMentee {
			t.Fatalf("pair %+v", pair)
		}
		mm := e.mailsTo(mentee.Email)
		if len(mm) != 1 || !strings.Contains(mm[0].Subject, "Max Mentor är din mentor") ||
			!strings.Contains(mm[0].Body, fmt.Sprintf("/pairs/%d", pair.ID)) {
			t.Fatalf("mentee email %+v", mm)
		}
		// Answering twice is refused, and the mentee is now paired.
		smWant(t, func() error { _, err := e.svc.DeclineRequest(ctx, mentor, e.prog.ID, req.ID); return err }(),
			errs.Conflict, "selfmatch.error.answered")
		v, _ = e.svc.SelfMatchFor(ctx, mentee, e.prog.ID)
		if !v.Paired || v.CanRequest() || v.Open != nil {
			t.Fatalf("after accepting: %+v", v)
		}
		// The mentor has one place left and stays suggested to others.
		v, _ = e.svc.SelfMatchFor(ctx, other, e.prog.ID)
		if len(v.Suggestions) != 1 || v.Suggestions[0].Places != 1 {
			t.Fatalf("other's suggestions %+v", v.Suggestions)
		}
	})
}

func TestDeclineAndWithdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		m1 := e.join("mentor", smPerson{name: "Anna First"})
		m2 := e.join("mentor", smPerson{name: "Bo Second"})
		mentee := e.join("mentee", smPerson{name: "Mia Mentee", lang: "id"})

		req, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, m1.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.DeclineRequest(ctx, m1, e.prog.ID, req.ID)
		if err != nil || got.Status != RequestDeclined || got.PairID != nil {
			t.Fatalf("decline: %v %+v", err, got)
		}
		mm := e.mailsTo(mentee.Email)
		if len(mm) != 1 || !strings.Contains(mm[0].Subject, "Tentang permintaan Anda") || !strings.Contains(mm[0].Body, "/suggestions") {
			t.Fatalf("decline email %+v", mm)
		}
		if n := e.count(`SELECT COUNT(*) FROM pairs`); n != 0 {
			t.Fatal("a decline made a pair")
		}
		// The mentor who declined is not suggested again; the mentee may ask another.
		v, _ := e.svc.SelfMatchFor(ctx, mentee, e.prog.ID)
		if got := strings.Join(mentorNames(v), ","); got != "Bo Second" || !v.CanRequest() {
			t.Fatalf("after decline: %q", got)
		}
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, m1.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.not_suggested")

		req2, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, m2.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err = e.svc.WithdrawRequest(ctx, mentee, e.prog.ID, req2.ID)
		if err != nil || got.Status != RequestWithdrawn {
			t.Fatalf("withdraw: %v %+v", err, got)
		}
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, m2, e.prog.ID, req2.ID); return err }(),
			errs.Conflict, "selfmatch.error.answered")
		if _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, m2.ID, ""); err != nil {
			t.Fatalf("asking again after withdrawing: %v", err)
		}
		rs, err := e.svc.MyRequests(ctx, mentee, e.prog.ID)
		if err != nil || len(rs) != 3 || rs[0].Status != RequestOpen || rs[1].Status != RequestWithdrawn || rs[2].Status != RequestDeclined {
			t.Fatalf("history: %v %+v", err, rs)
		}
		rs, err = e.svc.MyRequests(ctx, m1, e.prog.ID)
		if err != nil || len(rs) != 1 || rs[0].MentorID != m1.ID {
			t.Fatalf("mentor's requests: %v %+v", err, rs)
		}
		if _, err := e.svc.MyRequests(ctx, e.coord, e.prog.ID); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("coordinator lists requests: %v", err)
		}
	})
}

func TestRequestExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		mentor := e.join("mentor", smPerson{name: "Max Mentor"})
		mentee := e.join("mentee", smPerson{name: "Mia Mentee"})
		req, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(7*24*time.Hour - time.Second)
		if v, _ := e.svc.SelfMatchFor(ctx, mentee, e.prog.ID); v.Open == nil {
			t.Fatal("expired a second early")
		}
		e.clk.Advance(time.Second)
		v, err := e.svc.SelfMatchFor(ctx, mentee, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Open != nil || len(v.History) != 1 || v.History[0].Status != RequestExpired || !v.CanRequest() {
			t.Fatalf("after the deadline: %+v", v)
		}
		box, _ := e.svc.MentorInbox(ctx, mentor, e.prog.ID)
		if box.OpenCount() != 0 || box.Requests[0].Status != RequestExpired || box.Requests[0].Mentee != nil {
			t.Fatalf("mentor still sees it open: %+v", box.Requests)
		}
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, mentor, e.prog.ID, req.ID); return err }(),
			errs.Conflict, "selfmatch.error.expired")
		smWant(t, func() error { _, err := e.svc.WithdrawRequest(ctx, mentee, e.prog.ID, req.ID); return err }(),
			errs.Conflict, "selfmatch.error.expired")
		if n := e.count(`SELECT COUNT(*) FROM pairs`); n != 0 {
			t.Fatal("an expired request made a pair")
		}
		// Asking again is allowed, even the same mentor.
		if _, err := e.svc.RequestMentor(ctx, mentee, e.prog.ID, mentor.ID, ""); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM match_requests WHERE status = 'expired'`); n != 1 {
			t.Fatalf("%d rows marked expired", n)
		}
	})
}

func TestAcceptRespectsCapacity(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		mentor := e.join("mentor", smPerson{name: "Max Mentor", capacity: 1})
		a := e.join("mentee", smPerson{name: "Ann A", lang: "nb"})
		b := e.join("mentee", smPerson{name: "Ben B", lang: "sv"})
		c := e.join("mentee", smPerson{name: "Cy C"})
		ra, err := e.svc.RequestMentor(ctx, a, e.prog.ID, mentor.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		rb, err := e.svc.RequestMentor(ctx, b, e.prog.ID, mentor.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AcceptRequest(ctx, mentor, e.prog.ID, ra.ID); err != nil {
			t.Fatal(err)
		}
		// Full now: the other request is closed and its mentee told.
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, mentor, e.prog.ID, rb.ID); return err }(),
			errs.Conflict, "selfmatch.error.mentor_full")
		rs, _ := e.svc.MyRequests(ctx, b, e.prog.ID)
		if rs[0].Status != RequestClosed {
			t.Fatalf("other request %s", rs[0].Status)
		}
		if m := e.mailsTo(b.Email); len(m) != 1 || !strings.Contains(m[0].Body, "har inga lediga platser") {
			t.Fatalf("closed email %+v", m)
		}
		// A full mentor is not suggested and cannot be asked.
		v, _ := e.svc.SelfMatchFor(ctx, c, e.prog.ID)
		if len(v.Suggestions) != 0 {
			t.Fatalf("full mentor suggested: %+v", v.Suggestions)
		}
		smWant(t, func() error { _, err := e.svc.RequestMentor(ctx, c, e.prog.ID, mentor.ID, ""); return err }(),
			errs.Conflict, "selfmatch.error.not_suggested")
		if n := e.count(`SELECT COUNT(*) FROM pairs WHERE status = 'active'`); n != 1 {
			t.Fatalf("%d active pairs", n)
		}

		// A mentee paired by the coordinator meanwhile cannot be accepted.
		m2 := e.join("mentor", smPerson{name: "Mo Two", capacity: 2})
		m3 := e.join("mentor", smPerson{name: "Mo Three", capacity: 2})
		rc, err := e.svc.RequestMentor(ctx, c, e.prog.ID, m2.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{m3.ID}, []int64{c.ID}); err != nil {
			t.Fatal(err)
		}
		smWant(t, func() error { _, err := e.svc.AcceptRequest(ctx, m2, e.prog.ID, rc.ID); return err }(),
			errs.Conflict, "selfmatch.error.mentee_paired")
	})
}

// TestAcceptRace accepts requests to one mentor with one free place from
// many goroutines at once: exactly one pair comes out.
func TestAcceptRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSMEnv(t, db)
		ctx := context.Background()
		mentor := e.join("mentor", smPerson{name: "Max Mentor", capacity: 2})
		busy := e.join("mentee", smPerson{name: "Already Paired"})
		if _, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{mentor.ID}, []int64{busy.ID}); err != nil {
			t.Fatal(err)
		}
		const n = 6
		var ids []int64
		for i := range n {
			u := e.join("mentee", smPerson{name: fmt.Sprintf("Mentee %d", i)})
			r, err := e.svc.RequestMentor(ctx, u, e.prog.ID, mentor.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		var wg sync.WaitGroup
		results := make([]error, n)
		for i, id := range ids {
			wg.Go(func() {
				_, results[i] = e.svc.AcceptRequest(ctx, mentor, e.prog.ID, id)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case errs.KindOf(err) != errs.Conflict:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d accepts succeeded, want 1", ok)
		}
		if got := e.count(`SELECT COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id
			WHERE p.status = 'active' AND m.user_id = ?`, mentor.ID); got != 2 {
			t.Fatalf("mentor in %d active pairs, capacity 2", got)
		}
		if got := e.count(`SELECT COUNT(*) FROM match_requests WHERE status = 'open'`); got != 0 {
			t.Fatalf("%d requests still open to a full mentor", got)
		}
	})
}
