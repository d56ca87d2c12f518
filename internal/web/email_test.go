package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// captureSender keeps what the worker would deliver.
type captureSender struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (c *captureSender) Send(_ context.Context, m notify.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

// mimeParts reads an email back with the standard library's parser and
// returns its leaf parts by media type, decoded.
func mimeParts(t *testing.T, raw []byte) (mail.Header, map[string][]byte) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var walk func(h textproto.MIMEHeader, body io.Reader)
	walk = func(h textproto.MIMEHeader, body io.Reader) {
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // decodes quoted-printable itself
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		out[mt] = data
	}
	walk(textproto.MIMEHeader(m.Header), m.Body)
	return m.Header, out
}

// TestInvitationEmail invites through the page, the CSV upload and the
// API, each with a personal note, and reads the emails the worker would
// send: the text says who invites, to which program of which organisation,
// in which role and what taking part asks, and carries the note; the HTML
// part shows the organisation and one button to the invitation.
func TestInvitationEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newEnrolFixtureDB(t, db)
		app := fx.app
		admin := app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
		if _, err := brand.Save(context.Background(), db, admin, app.clock.Now(),
			brand.Change{Name: "Bergen Næringsråd", Accent: "#7a1f5c", Logo: pngOf(t, 90, 30)}); err != nil {
			t.Fatal(err)
		}
		coord := app.login("coord@example.org")

		// A note too long is refused, and nothing is sent.
		res := coord.post(fx.base+"/invitations", url.Values{"email": {"kari@example.org"}, "role": {"mentee"},
			"language": {"nb"}, "note": {strings.Repeat("x", program.MaxInviteNote+1)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.enrolT("nb", "error.too_long", "max", program.MaxInviteNote))
		if app.enrolCount(`SELECT COUNT(*) FROM outbox`) != 0 {
			t.Fatal("a refused invitation sent an email")
		}

		note := "Kari, jeg tror du vil få mye ut av dette.\nVi ses på kick-off!"
		res = coord.post(fx.base+"/invitations", url.Values{"email": {"kari@example.org"}, "name": {"Kari"},
			"role": {"mentee"}, "language": {"nb"}, "note": {note}})
		res.mustStatus(t, http.StatusSeeOther)
		res = coord.upload(fx.base+"/invitations/upload", "list.csv",
			[]byte("email;name;role;language;note\nola@example.org;Ola;mentor;sv;Hej Ola, välkommen!\n"))
		res.mustStatus(t, http.StatusOK)
		api := app.apiClient("coord@example.org")
		inv := apiDecode[apiInvitation](t, api.apiSend("POST", "/api/v1"+fx.base+"/invitations",
			map[string]string{"email": "dewi@example.org", "language": "id", "note": "Sampai jumpa!"}), http.StatusCreated)
		if inv.Note != "Sampai jumpa!" {
			t.Fatalf("API invitation %+v", inv)
		}

		sender := &captureSender{}
		w := notify.NewWorker(db, sender, app.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if n, err := w.RunOnce(context.Background()); n != 3 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		byTo := map[string]notify.Message{}
		for _, m := range sender.msgs {
			byTo[m.To.Email] = m
		}
		for _, c := range []struct {
			to, lang, role, note string
		}{
			{"kari@example.org", "nb", "enrol.invite_role.mentee", note},
			{"ola@example.org", "sv", "enrol.invite_role.mentor", "Hej Ola, välkommen!"},
			{"dewi@example.org", "id", "enrol.invite_role.choose", "Sampai jumpa!"},
		} {
			m, ok := byTo[c.to]
			if !ok {
				t.Fatalf("no email to %s", c.to)
			}
			raw, err := notify.Compose(mail.Address{Name: "Mentorskap", Address: "noreply@mentorskap.test"}, m, app.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			h, parts := mimeParts(t, raw)
			if h.Get("Content-Language") != c.lang {
				t.Errorf("%s: language %q", c.to, h.Get("Content-Language"))
			}
			text := strings.ReplaceAll(string(parts["text/plain"]), "\r\n", "\n")
			l := app.bundle.Locale(c.lang)
			for _, want := range []string{"Cora Coordinator", "Vårkull 2026", "Bergen Næringsråd", l.T(c.role), notify.Quote(c.note),
				l.T("email.footer_org", "org", "Bergen Næringsråd"), l.Int(4), "/invite/"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: text lacks %q:\n%s", c.to, want, text)
				}
			}
			html := string(parts["text/html"])
			link := inviteLinkRe.FindString(text)
			button := l.T("email.invitation.button")
			for _, want := range []string{`href="` + link + `"`, ">" + button + "</a>", "Bergen Næringsråd", "cid:brand-logo@mentorskap",
				"background:#7a1f5c", "Cora Coordinator", `<blockquote class="m-quote"`} {
				if !strings.Contains(html, want) {
					t.Errorf("%s: HTML lacks %q:\n%s", c.to, want, html)
				}
			}
			if _, err := png.Decode(bytes.NewReader(parts["image/png"])); err != nil {
				t.Errorf("%s: logo not embedded: %v", c.to, err)
			}
			// MENTORSKAP_EMAIL_HTML=dir writes the HTML parts for looking at
			// them in a browser (the logo is inlined as a data URL there).
			if dir := os.Getenv("MENTORSKAP_EMAIL_HTML"); dir != "" && db.Dialect() == store.SQLite {
				page := strings.ReplaceAll(html, "cid:brand-logo@mentorskap", "logo.png")
				os.WriteFile(filepath.Join(dir, "invitation-"+c.lang+".html"), []byte(page), 0o644)
				os.WriteFile(filepath.Join(dir, "logo.png"), parts["image/png"], 0o644)
			}
		}
	})
}
