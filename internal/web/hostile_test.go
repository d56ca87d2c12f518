package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"mentorskap/internal/agreement"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// hostileTexts are what a careless or malicious person might type.
var hostileTexts = []string{
	`<script>alert("x")</script>`,
	`"><img src=x onerror=alert(1)>`,
	`O'Brien & "Sons"`,
	"Line one\r\nBcc: victim@example.org\r\nSubject: pwned",
}

// hostileCheck fails when raw markup from the hostile texts reached a page.
func hostileCheck(t *testing.T, where string, body string) {
	t.Helper()
	for _, bad := range []string{`<script>alert`, `<img src=x`, `onerror=alert(1)>`} {
		if strings.Contains(body, bad) {
			t.Fatalf("%s shows %q unescaped", where, bad)
		}
	}
	if !utf8.ValidString(body) {
		t.Fatalf("%s is not valid UTF-8", where)
	}
}

// hostileMail renders an outbox row as the MIME message the SMTP sender
// would send and parses it back.
func hostileMail(t *testing.T, db *store.DB, where string) []*mail.Message {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, to_email, to_name, language, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []*mail.Message
	for rows.Next() {
		var m notify.Message
		if err := rows.Scan(&m.ID, &m.To.Email, &m.To.Name, &m.To.Lang, &m.Subject, &m.Body); err != nil {
			t.Fatal(err)
		}
		raw, err := notify.Compose(mail.Address{Name: "Mentorskap", Address: "noreply@mentorskap.test"}, m, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: unreadable email: %v\n%s", where, err, raw)
		}
		for _, h := range []string{"Bcc", "Cc"} {
			if v := msg.Header.Get(h); v != "" {
				t.Fatalf("%s: injected header %s: %s\n%s", where, h, v, raw)
			}
		}
		if len(msg.Header["Subject"]) != 1 || len(msg.Header["To"]) != 1 {
			t.Fatalf("%s: headers %v", where, msg.Header)
		}
		if _, err := mail.ParseAddress(msg.Header.Get("To")); err != nil {
			t.Fatalf("%s: To %q: %v", where, msg.Header.Get("To"), err)
		}
		out = append(out, msg)
	}
	return out
}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		app := f.app
		mentee := app.login(f.mentee.Email)
		mentor := app.login(f.mentor.Email)
		coord := app.login(f.coord.Email)

		for i, text := range append(hostileTexts, "Bad \xff\xfe bytes\x00 here") {
			// Names show on pages and in emails to the other side.
			res := mentee.post("/profile", url.Values{"name": {text}, "language": {"en"}, "timezone": {"Europe/Oslo"}})
			res.mustStatus(t, http.StatusSeeOther)
			var stored string
			db.QueryRow(context.Background(), `SELECT name FROM users WHERE id = ?`, f.mentee.ID).Scan(&stored)
			if !utf8.ValidString(stored) || strings.ContainsRune(stored, 0) {
				t.Fatalf("stored name %q", stored)
			}
			hostileCheck(t, "profile", mentee.get("/profile").Body)
			hostileCheck(t, "pair page", mentor.get(f.path("")).Body)
			hostileCheck(t, "coordinator's pairs", coord.get("/programs/"+pid(f.prog.ID)+"/pairs").Body)

			// Goals and messages carry text to the other side.
			res = mentee.post(f.path("/goals"), goalForm(text))
			if strings.Contains(text, "\n") {
				// A title is one line: refused with a translated reason.
				res.mustStatus(t, http.StatusUnprocessableEntity)
				res.mustContain(t, html.EscapeString(app.tr("en", "goal.error.title_one_line")))
			} else if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("goal %d: %d %s", i, res.StatusCode, res.Body)
			}
			hostileCheck(t, "goal form", res.Body)
			hostileCheck(t, "goals", mentor.get(f.path("/goals")).Body)
			res = mentee.post(f.path("/messages"), url.Values{"body": {text}})
			res.mustStatus(t, http.StatusSeeOther)
			hostileCheck(t, "messages", mentor.get(f.path("/messages")).Body)
			hostileMail(t, db, "message email")
		}
		goals := mentor.get(f.path("/goals")).Body
		if !strings.Contains(goals, html.EscapeString(`O'Brien & "Sons"`)) {
			t.Fatal("quotes did not round-trip")
		}
		if !strings.Contains(goals, "Bad \uFFFD bytes here") {
			t.Fatal("invalid UTF-8 was not cleaned to replacement characters")
		}

		// Very long text is refused with a translated message, not cut.
		long := strings.Repeat("å", 20000)
		res := mentee.post("/profile", url.Values{"name": {long}, "language": {"nb"}, "timezone": {"Europe/Oslo"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("en", "error.too_long", "max", 200))
		res = mentee.post(f.path("/goals"), goalForm(long))
		res.mustStatus(t, http.StatusUnprocessableEntity)

		// JSON: invalid UTF-8 becomes U+FFFD, NUL is refused, nothing breaks.
		api := app.apiClient(f.mentee.Email)
		res = api.send("PATCH", "/api/v1/me", "application/json", strings.NewReader("{\"name\":\"A\xffB <script>\"}"))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, "A\uFFFDB", `\u003cscript\u003e`)
		res = api.send("PATCH", "/api/v1/me", "application/json", strings.NewReader(`{"name":"A\u0000B"}`))
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("en", "error.bad_json"))
	})
}

// A password-reset email to a person whose name holds a header injection
// attempt stays one message with its own headers.
func TestHostileNameInEmailHeaders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("ana@example.org", "Ana", "member", "en")
	if _, err := app.db.Exec(context.Background(), `UPDATE users SET name = ? WHERE id = ?`,
		"Ana\r\nBcc: victim@example.org\r\n\r\nbody", u.ID); err != nil {
		t.Fatal(err)
	}
	app.client().post("/forgot", url.Values{"email": {"ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	msgs := hostileMail(t, app.db, "reset email")
	if len(msgs) != 1 {
		t.Fatalf("%d emails", len(msgs))
	}
	to, _ := mail.ParseAddress(msgs[0].Header.Get("To"))
	if to.Address != "ana@example.org" || strings.ContainsAny(to.Name, "\r\n") {
		t.Fatalf("To %+v", to)
	}
}

// Agreement text reaches pages and the PDF, a meeting's place reaches the
// calendar file: all as the text it is.
func TestHostileAgreementPDFAndCalendar(t *testing.T) {
	t.Parallel()
	f := newGoalMsgFixture(t, storetest.Default(t))
	app := f.app
	script := `<script>alert("x")</script>`
	f.signAgreement(t, func(c *agreement.Content) {
		c.Places = script + " & café"
		c.Mentor.Will = `"><img src=x onerror=alert(1)>`
		c.Mentee.Will = "Bad \xff bytes"
	})
	mentee := app.login(f.mentee.Email)
	page := mentee.get(f.path("/agreement"))
	page.mustStatus(t, http.StatusOK)
	hostileCheck(t, "agreement", page.Body)
	page.mustContain(t, html.EscapeString(script))

	res := mentee.get(f.path("/agreement/versions/1/pdf"))
	res.mustStatus(t, http.StatusOK)
	text := pdfText(t, []byte(res.Body))
	if !strings.Contains(text, `alert("x")`) || !strings.Contains(text, "onerror=alert(1)") {
		t.Fatalf("PDF lost the text as written:\n%s", text)
	}

	start := app.clock.Now().Add(96 * time.Hour).UTC()
	m, err := app.srv.Meetings.Propose(context.Background(), f.mentee, f.pair.ID, meeting.Proposal{
		Date: start.Format("2006-01-02"), Time: start.Format("15:04"), Timezone: "UTC", Minutes: 60,
		Place: script + "\r\nATTENDEE:mailto:evil@example.org; x, y"})
	if err != nil {
		t.Fatal(err)
	}
	hostileCheck(t, "meeting", mentee.get(f.path("/meetings/%d", m.ID)).Body)
	res = mentee.get(f.path("/meetings/%d/ics", m.ID))
	res.mustStatus(t, http.StatusOK)
	cal, err := ical.NewDecoder(strings.NewReader(res.Body)).Decode()
	if err != nil {
		t.Fatalf("ics: %v\n%s", err, res.Body)
	}
	ev := cal.Events()
	if len(ev) != 1 || len(ev[0].Props["ATTENDEE"]) != 0 {
		t.Fatalf("calendar events %+v", ev)
	}
	place, _ := ev[0].Props.Text(ical.PropLocation)
	if !strings.HasPrefix(place, script) || !strings.Contains(place, "; x, y") {
		t.Fatalf("place read back as %q", place)
	}
	for _, line := range strings.Split(strings.TrimSuffix(res.Body, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("bad line %q", line)
		}
	}
}
