package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/agreement"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

type messageMail struct{ to, lang, subject, body string }

func (f *goalMsgFixture) messageMails(t *testing.T) []messageMail {
	t.Helper()
	rows, err := f.app.db.Query(context.Background(), `SELECT to_email, language, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []messageMail
	for rows.Next() {
		var m messageMail
		if err := rows.Scan(&m.to, &m.lang, &m.subject, &m.body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestMessagePagesRoleMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.login(f.mentee.Email)
		mentee.post(f.path("/messages"), url.Values{"body": {"A private question"}}).mustStatus(t, http.StatusSeeOther)

		anon := f.app.client()
		res := anon.get(f.path("/messages"))
		res.mustStatus(t, http.StatusSeeOther)
		if !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous: redirect to %q", res.Header.Get("Location"))
		}
		anon.post(f.path("/messages"), url.Values{"body": {"hi"}}).mustStatus(t, http.StatusUnauthorized)

		f.app.login(f.mentor.Email).get(f.path("/messages")).mustContain(t, "A private question")
		for _, s := range f.strangers() {
			c := f.app.login(s.email)
			res := c.get(f.path("/messages"))
			res.mustStatus(t, s.status)
			if strings.Contains(res.Body, "private question") {
				t.Fatalf("%s reads the thread", s.name)
			}
			c.post(f.path("/messages"), url.Values{"body": {"Intruder"}}).mustStatus(t, s.status)
		}
		if n := f.count(`SELECT COUNT(*) FROM messages`); n != 1 {
			t.Fatalf("%d messages after strangers tried", n)
		}
	})
}

func TestMessagePagesThread(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.login(f.mentee.Email)
		mentor := f.app.login(f.mentor.Email)

		page := mentee.get(f.path("/messages"))
		page.mustContain(t, f.app.tr("en", "message.none_yet"), `name="body"`)
		if strings.Contains(page.Body, `name="urgent"`) {
			t.Fatal("urgent flag offered without an urgent-help rule in the agreement")
		}

		res := mentee.post(f.path("/messages"), url.Values{"body": {"   "}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("en", "message.error.body_required")))
		res = mentee.post(f.path("/messages"), url.Values{"body": {"Help!"}, "urgent": {"1"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("en", "message.error.no_urgent_rule")), "Help!")
		if n := f.count(`SELECT COUNT(*) FROM messages`) + f.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("refused messages left %d rows", n)
		}

		hostile := `<img src=x onerror=alert(1)> See you Tuesday`
		res = mentee.post(f.path("/messages"), url.Values{"body": {hostile}})
		res.mustStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, f.path("/messages#m-")) {
			t.Fatalf("redirect to %q", loc)
		}
		mails := f.messageMails(t)
		if len(mails) != 1 || mails[0].to != f.mentor.Email || mails[0].lang != "nb" ||
			mails[0].subject != f.app.tr("nb", "email.message_new.subject", "sender", "Mats Mentee", "program", "Spring cohort") ||
			strings.Contains(mails[0].body, "Tuesday") || !strings.Contains(mails[0].body, "http://mentorskap.test"+f.path("/messages")) {
			t.Fatalf("mails %+v", mails)
		}

		// The mentee sees it as not read yet; the mentor reads it (in
		// Norwegian, escaped), which marks it read for the mentee.
		mentee.get(f.path("/messages")).mustContain(t, f.app.tr("en", "message.not_seen"))
		page = mentor.get(f.path("/messages"))
		if strings.Contains(page.Body, hostile) {
			t.Fatal("message rendered unescaped")
		}
		page.mustContain(t, "&lt;img src=x onerror=alert(1)&gt; See you Tuesday", f.app.tr("nb", "message.new_badge"), "Mats Mentee")
		mentee.get(f.path("/messages")).mustContain(t, f.app.tr("en", "message.seen"))
		if strings.Contains(mentor.get(f.path("/messages")).Body, `badge pending">`+f.app.tr("nb", "message.new_badge")) {
			t.Fatal("the message is still new on the second visit")
		}
	})
}

func TestMessagePagesUrgentAndDisallowed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		rule := "Call the mentor's mobile; she answers the same day."
		f.signAgreement(t, func(c *agreement.Content) {
			c.UrgentRule = rule
			c.InAppMessages = true
		})
		if _, err := db.Exec(context.Background(), `DELETE FROM outbox`); err != nil {
			t.Fatal(err)
		}
		mentee := f.app.login(f.mentee.Email)
		mentee.get(f.path("/messages")).mustContain(t, `name="urgent"`, html.EscapeString(rule))
		mentee.post(f.path("/messages"), url.Values{"body": {"The offer expires tonight"}, "urgent": {"1"}}).mustStatus(t, http.StatusSeeOther)
		mails := f.messageMails(t)
		if len(mails) != 1 || mails[0].subject != f.app.tr("nb", "email.message_urgent.subject", "sender", "Mats Mentee", "program", "Spring cohort") {
			t.Fatalf("urgent mails %+v", mails)
		}
		f.app.login(f.mentor.Email).get(f.path("/messages")).mustContain(t, f.app.tr("nb", "message.urgent_badge"))

		// The program turns messages off: the thread stays, the form goes,
		// and a forged post is refused.
		s := program.SettingsOf(*f.prog)
		s.MessagesAllowed = false
		if _, err := f.app.srv.Programs.Update(context.Background(), f.coord, f.prog.ID, s); err != nil {
			t.Fatal(err)
		}
		page := mentee.get(f.path("/messages"))
		page.mustContain(t, "The offer expires tonight", html.EscapeString(f.app.tr("en", "message.not_allowed")))
		if strings.Contains(page.Body, `name="body"`) {
			t.Fatal("form shown where messages are not allowed")
		}
		mentee.post(f.path("/messages"), url.Values{"body": {"Anyone?"}}).mustStatus(t, http.StatusForbidden)
		if n := f.count(`SELECT COUNT(*) FROM messages`); n != 1 {
			t.Fatalf("%d messages, want 1", n)
		}
	})
}

type apiThreadDoc struct {
	Items []struct {
		ID     int64  `json:"id"`
		Body   string `json:"body"`
		Urgent bool   `json:"urgent"`
		Mine   bool   `json:"mine"`
		Seen   bool   `json:"seen"`
		Unread bool   `json:"unread"`
	} `json:"items"`
	More       bool   `json:"more"`
	Allowed    bool   `json:"allowed"`
	UrgentRule string `json:"urgent_rule"`
	LastReadID int64  `json:"last_read_id"`
}

func TestMessageAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.apiClient(f.mentee.Email)
		mentor := f.app.apiClient(f.mentor.Email)
		base := fmt.Sprintf("/api/v1/pairs/%d/messages", f.pair.ID)

		p := mustProblem(t, mentee.apiSend("POST", base, map[string]any{"body": ""}), http.StatusUnprocessableEntity)
		if p.Errors["body"] == "" {
			t.Fatalf("errors %v", p.Errors)
		}
		mustProblem(t, mentee.apiSend("POST", base, map[string]any{"body": "hi", "urgent": true}), http.StatusUnprocessableEntity)
		mustProblem(t, mentee.apiSend("POST", base, `{"body": "hi", "to": 3}`), http.StatusUnprocessableEntity)

		m := apiDecode[struct {
			ID   int64  `json:"id"`
			Body string `json:"body"`
			Mine bool   `json:"mine"`
		}](t, mentee.apiSend("POST", base, map[string]any{"body": "Question about the CV"}), http.StatusCreated)
		if m.Body != "Question about the CV" || !m.Mine {
			t.Fatalf("sent %+v", m)
		}
		th := apiDecode[apiThreadDoc](t, mentor.apiSend("GET", base, nil), http.StatusOK)
		if len(th.Items) != 1 || !th.Items[0].Unread || th.Items[0].Mine || !th.Allowed || th.UrgentRule != "" {
			t.Fatalf("mentor's thread %+v", th)
		}
		// Reading through the API does not mark read; POST …/read does.
		th = apiDecode[apiThreadDoc](t, mentor.apiSend("GET", base, nil), http.StatusOK)
		if !th.Items[0].Unread {
			t.Fatal("GET marked the message read")
		}
		mentor.apiSend("POST", base+"/read", map[string]any{"up_to": m.ID}).mustStatus(t, http.StatusNoContent)
		th = apiDecode[apiThreadDoc](t, mentee.apiSend("GET", base, nil), http.StatusOK)
		if !th.Items[0].Seen {
			t.Fatalf("mentee's view after the mentor read it: %+v", th)
		}

		anon := f.app.client()
		mustProblem(t, anon.apiSend("GET", base, nil), http.StatusUnauthorized)
		mustProblem(t, anon.apiSend("POST", base, map[string]any{"body": "x"}), http.StatusUnauthorized)
		for _, s := range f.strangers() {
			c := f.app.apiClient(s.email)
			for _, req := range []struct {
				method, path string
				body         any
			}{
				{"GET", base, nil},
				{"POST", base, map[string]any{"body": "Intruder"}},
				{"POST", base, map[string]any{"body": ""}},
				{"POST", base + "/read", map[string]any{"up_to": m.ID}},
				{"POST", base + "/read", `[]`},
			} {
				res := c.apiSend(req.method, req.path, req.body)
				mustProblem(t, res, s.status)
				if strings.Contains(res.Body, "CV") {
					t.Fatalf("%s %s %s leaks the message: %s", s.name, req.method, req.path, res.Body)
				}
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM messages`); n != 1 {
			t.Fatalf("%d messages after strangers tried", n)
		}
	})
}
