package meeting

import (
	"context"
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

// msgEnv is a running pair with a message service over a fresh database.
// The mentor writes Norwegian and the mentee Swedish, so emails show whose
// language they follow.
type msgEnv struct {
	t               testing.TB
	db              *store.DB
	clk             *clock.Fixed
	bundle          *i18n.Bundle
	svc             *Service
	progs           *program.Service
	agreements      *agreement.Service
	prog            *program.Program
	pair            *program.Pair
	mentor, mentee  *account.User
	outsider, coord *account.User
	n               int
}

func newMsgEnv(t testing.TB, db *store.DB) *msgEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &msgEnv{t: t, db: db, bundle: bundle, clk: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	e.svc = &Service{DB: db, Clock: e.clk, Outbox: out}
	e.progs = &program.Service{DB: db, Clock: e.clk}
	e.agreements = &agreement.Service{DB: db, Clock: e.clk}
	ctx := context.Background()
	e.coord = e.user(account.RoleCoordinator, "en")
	e.mentor, e.mentee, e.outsider = e.user(account.RoleMember, "nb"), e.user(account.RoleMember, "sv"), e.user(account.RoleMember, "en")
	s := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	s.Name, s.Purpose, s.MessagesAllowed = "Message cohort", "Testing messages", true
	if e.prog, err = e.progs.Create(ctx, e.coord, s); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		u    *account.User
		role string
	}{{e.mentor, "mentor"}, {e.mentee, "mentee"}, {e.outsider, "mentee"}} {
		now := e.clk.Now()
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?)`, e.prog.ID, p.u.ID, p.role, now, now); err != nil {
			t.Fatal(err)
		}
	}
	if e.pair, err = e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{e.mentor.ID}, []int64{e.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *msgEnv) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "m" + strconv.Itoa(e.n) + "@example.org", Name: "Member " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// sign has both sides sign an agreement changed by edit.
func (e *msgEnv) sign(edit func(c *agreement.Content)) {
	e.t.Helper()
	ctx := context.Background()
	l := e.bundle.Locale("en")
	d, err := e.agreements.DraftFor(ctx, e.mentee, e.pair.ID, l)
	if err != nil {
		e.t.Fatal(err)
	}
	c := d.Content
	edit(&c)
	v, err := e.agreements.SaveDraft(ctx, e.mentee, e.pair.ID, d.Base, c, l)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []*account.User{e.mentor, e.mentee} {
		if _, err := e.agreements.Sign(ctx, u, e.pair.ID, v.Number, "long-enough-password", u.Name); err != nil {
			e.t.Fatal(err)
		}
	}
}

type sentMail struct{ to, lang, subject, body string }

func (e *msgEnv) mails() []sentMail {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT to_email, language, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		if err := rows.Scan(&m.to, &m.lang, &m.subject, &m.body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func (e *msgEnv) clearMails() {
	e.t.Helper()
	if _, err := e.db.Exec(context.Background(), `DELETE FROM outbox`); err != nil {
		e.t.Fatal(err)
	}
}

func wantMsgKey(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

func TestMessagesSendReadAndEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMsgEnv(t, db)
		ctx := context.Background()
		e.clearMails()
		secret := "Can we move Tuesday? My manager said something I need to think about."
		m, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "  " + secret + "\r\n"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Body != secret {
			t.Fatalf("stored body %q", m.Body)
		}
		mails := e.mails()
		if len(mails) != 1 || mails[0].to != e.mentor.Email || mails[0].lang != "nb" {
			t.Fatalf("mails %+v", mails)
		}
		nb := e.bundle.Locale("nb")
		if want := nb.T("email.message_new.subject", "sender", e.mentee.Name, "program", e.prog.Name); mails[0].subject != want {
			t.Fatalf("subject %q, want %q", mails[0].subject, want)
		}
		if strings.Contains(mails[0].body, "manager") || !strings.Contains(mails[0].body, "/pairs/"+strconv.FormatInt(e.pair.ID, 10)+"/messages") {
			t.Fatalf("email body leaks the message or lacks the link:\n%s", mails[0].body)
		}

		// A second message while the first is unread sends no second email.
		e.clk.Advance(time.Minute)
		if _, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "Or Wednesday."}); err != nil {
			t.Fatal(err)
		}
		if n := len(e.mails()); n != 1 {
			t.Fatalf("%d emails after a second unread message", n)
		}
		if n, _ := Unread(ctx, db, e.pair.ID, e.mentor.ID); n != 2 {
			t.Fatalf("mentor has %d unread, want 2", n)
		}

		// The mentee sees their own messages as not read yet; the mentor sees them new.
		th, err := e.svc.Messages(ctx, e.mentee, e.pair.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Messages) != 2 || !th.Messages[0].Mine || th.Messages[0].Seen || th.Messages[0].Body != secret {
			t.Fatalf("mentee's thread %+v", th.Messages)
		}
		th, err = e.svc.Messages(ctx, e.mentor, e.pair.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !th.Messages[0].New || !th.Messages[1].New || th.Messages[0].Mine {
			t.Fatalf("mentor's thread %+v", th.Messages)
		}
		if err := e.svc.MarkRead(ctx, e.mentor, e.pair.ID, th.Latest()+100); err != nil {
			t.Fatal(err)
		}
		if n, _ := Unread(ctx, db, e.pair.ID, e.mentor.ID); n != 0 {
			t.Fatalf("mentor has %d unread after reading", n)
		}
		// The mark never moves back.
		if err := e.svc.MarkRead(ctx, e.mentor, e.pair.ID, 1); err != nil {
			t.Fatal(err)
		}
		th, _ = e.svc.Messages(ctx, e.mentee, e.pair.ID, 0)
		if !th.Messages[0].Seen || !th.Messages[1].Seen {
			t.Fatalf("mentee does not see the messages as read: %+v", th.Messages)
		}

		// Having read everything, the mentor gets an email for the next one
		// again; the mentee's reply goes to the mentee in Swedish.
		e.clearMails()
		if _, err := e.svc.Send(ctx, e.mentor, e.pair.ID, MessageInput{Body: "Wednesday works."}); err != nil {
			t.Fatal(err)
		}
		mails = e.mails()
		if len(mails) != 1 || mails[0].to != e.mentee.Email || mails[0].lang != "sv" ||
			mails[0].subject != e.bundle.Locale("sv").T("email.message_new.subject", "sender", e.mentor.Name, "program", e.prog.Name) {
			t.Fatalf("reply mail %+v", mails)
		}
	})
}

func TestMessagesRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMsgEnv(t, db)
		ctx := context.Background()
		e.clearMails()
		_, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "   "})
		if e, ok := errs.As(err); !ok || e.Fields["body"].Key != "message.error.body_required" {
			t.Fatalf("empty body: %v", err)
		}
		_, err = e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: strings.Repeat("å", MaxMessage+1)})
		if e, ok := errs.As(err); !ok || e.Fields["body"].Key != "message.error.body_too_long" {
			t.Fatalf("long body: %v", err)
		}
		if _, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: strings.Repeat("å", MaxMessage)}); err != nil {
			t.Fatalf("a message of exactly the limit: %v", err)
		}
		// No urgent flag without an urgent-help rule.
		_, err = e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "Help!", Urgent: true})
		wantMsgKey(t, err, errs.Invalid, "message.error.no_urgent_rule")

		for _, c := range []struct {
			name  string
			actor *account.User
			kind  errs.Kind
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"other participant", e.outsider, errs.NotFound},
			{"coordinator", e.coord, errs.Forbidden},
		} {
			if _, err := e.svc.Send(ctx, c.actor, e.pair.ID, MessageInput{Body: "hello"}); errs.KindOf(err) != c.kind {
				t.Errorf("%s send: %v", c.name, err)
			}
			if _, err := e.svc.Messages(ctx, c.actor, e.pair.ID, 0); errs.KindOf(err) != c.kind {
				t.Errorf("%s read: %v", c.name, err)
			}
			if err := e.svc.MarkRead(ctx, c.actor, e.pair.ID, 1); errs.KindOf(err) != c.kind {
				t.Errorf("%s mark read: %v", c.name, err)
			}
		}

		// The program turns messages off: nothing new, the old ones stay readable.
		s := program.SettingsOf(*e.prog)
		s.MessagesAllowed = false
		if _, err := e.progs.Update(ctx, e.coord, e.prog.ID, s); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "hello"})
		wantMsgKey(t, err, errs.Forbidden, "message.error.not_allowed")
		th, err := e.svc.Messages(ctx, e.mentor, e.pair.ID, 0)
		if err != nil || th.Allowed || len(th.Messages) != 1 {
			t.Fatalf("thread with messages off: %+v, %v", th, err)
		}

		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM messages`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d messages stored, want only the valid one (%v)", n, err)
		}

		// An ended pair keeps its thread but takes no new messages.
		s.MessagesAllowed = true
		if _, err := e.progs.Update(ctx, e.coord, e.prog.ID, s); err != nil {
			t.Fatal(err)
		}
		if err := e.progs.EndPair(ctx, e.coord, e.prog.ID, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "hello"})
		wantMsgKey(t, err, errs.Conflict, "message.error.pair_ended")
		if th, err := e.svc.Messages(ctx, e.mentee, e.pair.ID, 0); err != nil || th.Allowed || !th.Ended {
			t.Fatalf("ended pair's thread: %+v, %v", th, err)
		}
	})
}

func TestMessagesFollowTheAgreement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMsgEnv(t, db)
		ctx := context.Background()
		rule := "Text the mentor; answers within a working day."
		e.sign(func(c *agreement.Content) {
			c.UrgentRule = rule
			c.InAppMessages = true
		})
		e.clearMails()
		th, err := e.svc.Messages(ctx, e.mentee, e.pair.ID, 0)
		if err != nil || th.UrgentRule != rule || !th.CanMarkUrgent() {
			t.Fatalf("thread under the agreement: %+v, %v", th, err)
		}
		// An urgent message always emails, even with unread messages waiting,
		// and says so in the subject.
		if _, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "Ordinary question"}); err != nil {
			t.Fatal(err)
		}
		m, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "I got an offer and must answer today", Urgent: true})
		if err != nil || !m.Urgent {
			t.Fatalf("urgent message: %+v, %v", m, err)
		}
		mails := e.mails()
		if len(mails) != 2 {
			t.Fatalf("%d mails, want one ordinary and one urgent", len(mails))
		}
		want := e.bundle.Locale("nb").T("email.message_urgent.subject", "sender", e.mentee.Name, "program", e.prog.Name)
		if mails[1].subject != want || mails[1].subject == mails[0].subject || strings.Contains(mails[1].body, "offer") {
			t.Fatalf("urgent mail %+v", mails[1])
		}

		// A new version of the agreement turns in-app messages off.
		e.sign(func(c *agreement.Content) { c.InAppMessages = false })
		_, err = e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "Still there?"})
		wantMsgKey(t, err, errs.Forbidden, "message.error.not_allowed")
	})
}

func TestMessagePaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMsgEnv(t, db)
		ctx := context.Background()
		e.svc.Outbox = nil
		for i := range ThreadPage + 5 {
			if _, err := e.svc.Send(ctx, e.mentee, e.pair.ID, MessageInput{Body: "message " + strconv.Itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		th, err := e.svc.Messages(ctx, e.mentor, e.pair.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Messages) != ThreadPage || !th.More || th.Messages[ThreadPage-1].Body != "message "+strconv.Itoa(ThreadPage+4) {
			t.Fatalf("newest page: %d messages, more=%v", len(th.Messages), th.More)
		}
		older, err := e.svc.Messages(ctx, e.mentor, e.pair.ID, th.Oldest())
		if err != nil {
			t.Fatal(err)
		}
		if len(older.Messages) != 5 || older.More || older.Messages[0].Body != "message 0" {
			t.Fatalf("older page: %+v", older.Messages)
		}
	})
}
