package notify_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestWorkerDeliversAttachments queues an email with a calendar file, sends
// it to a real SMTP server and reads it back as a mail client would: the
// text and the file must both survive, byte for byte.
func TestWorkerDeliversAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ms := &mailServer{}
		port, _ := startMailServer(t, ms, notify.TLSNone)
		sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: notify.TLSNone,
			From: "noreply@mentor.example.org"})
		if err != nil {
			t.Fatal(err)
		}
		ics := "BEGIN:VCALENDAR\r\nSUMMARY:Møte med Åse\\, kl. 10\r\n" + strings.Repeat("x", 200) + "\r\nEND:VCALENDAR\r\n"
		files := []notify.Attachment{
			{Name: "meeting.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: []byte(ics)},
			{Name: "second\r\nX-Evil: 1.txt", ContentType: "text/plain", Data: []byte{0, 1, 2, 255}},
		}
		err = f.outbox.SendWith(context.Background(), f.db, f.clock.Now(),
			notify.Recipient{Email: "kare@example.org", Name: "Kåre Ødegård", Lang: "nb"},
			"password_reset", files, "name", "Kåre", "link", f.outbox.Link("/reset/abc"), "minutes", 60)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.worker(sender).RunOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		got := ms.messages()
		if len(got) != 1 {
			t.Fatalf("server received %d emails", len(got))
		}
		raw := string(got[0].Data)
		if strings.Contains(raw, "\nX-Evil") {
			t.Fatalf("attachment name broke into the headers:\n%s", raw)
		}
		m, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/mixed" {
			t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
		}
		if m.Header.Get("Content-Language") != "nb" || m.Header.Get("MIME-Version") != "1.0" {
			t.Errorf("headers %v", m.Header)
		}
		mr := multipart.NewReader(m.Body, params["boundary"])
		var parts []*multipart.Part
		var bodies [][]byte
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			var r io.Reader = p
			switch p.Header.Get("Content-Transfer-Encoding") {
			case "quoted-printable":
				r = quotedprintable.NewReader(p)
			case "base64":
				r = base64.NewDecoder(base64.StdEncoding, p)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
			bodies = append(bodies, b)
		}
		if len(parts) != 3 {
			t.Fatalf("%d parts, want text and two files", len(parts))
		}
		if !strings.HasPrefix(parts[0].Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(bodies[0]), "Hei Kåre,") {
			t.Errorf("text part %v: %q", parts[0].Header, bodies[0])
		}
		if parts[1].FileName() != "meeting.ics" || parts[1].Header.Get("Content-Type") != files[0].ContentType {
			t.Errorf("calendar part %v", parts[1].Header)
		}
		if string(bodies[1]) != ics {
			t.Errorf("calendar file changed in transit:\n%q", bodies[1])
		}
		if string(bodies[2]) != string(files[1].Data) {
			t.Errorf("binary file changed in transit: %v", bodies[2])
		}
		for _, line := range strings.Split(raw, "\r\n") {
			if len(line) > 998 {
				t.Fatalf("line longer than RFC 5322 allows: %d octets", len(line))
			}
		}
	})
}
