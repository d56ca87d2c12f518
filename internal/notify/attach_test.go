package notify_test

import (
	"context"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"mentorskap/internal/brand"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestWorkerDeliversAttachments queues an email with a calendar file, sends
// it to a real SMTP server and reads it back as a mail client would: the
// text and the file must both survive, byte for byte.
func TestWorkerDeliversAttachments(t *testing.T) {
	t.Parallel()
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
		// A bare sender address: the emails go out under the brand's name.
		if _, err := brand.Save(context.Background(), f.db, adminActor{}, f.clock.Now(),
			brand.Change{Name: "Kåres Mentorlag", Accent: "#1f5f5b"}); err != nil {
			t.Fatal(err)
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
		h, leaves := readMIME(t, raw)
		if h.Get("Content-Language") != "nb" || h.Get("MIME-Version") != "1.0" {
			t.Errorf("headers %v", h)
		}
		if from, err := mail.ParseAddress(mustDecode(t, h.Get("From"))); err != nil || from.Name != "Kåres Mentorlag" {
			t.Errorf("From %q: %v", h.Get("From"), err)
		}
		if !strings.Contains(string(leaves[0].Data), "Kåres Mentorlag") {
			t.Errorf("the footer does not name the organisation: %q", leaves[0].Data)
		}
		if len(leaves) != 4 {
			t.Fatalf("%d parts, want text, HTML and two files", len(leaves))
		}
		if leaves[0].Type != "text/plain" || !strings.Contains(string(leaves[0].Data), "Hei Kåre,") {
			t.Errorf("text part %v: %q", leaves[0].Header, leaves[0].Data)
		}
		if leaves[1].Type != "text/html" || leaves[1].Path != "multipart/mixed/multipart/alternative" {
			t.Errorf("HTML part %s in %s", leaves[1].Type, leaves[1].Path)
		}
		cal := leaves[2]
		if _, params, _ := mime.ParseMediaType(cal.Header.Get("Content-Disposition")); params["filename"] != "meeting.ics" ||
			cal.Type != "text/calendar" || cal.Params["method"] != "PUBLISH" || cal.Params["charset"] != "utf-8" {
			t.Errorf("calendar part %v", cal.Header)
		}
		if string(cal.Data) != ics {
			t.Errorf("calendar file changed in transit:\n%q", cal.Data)
		}
		if string(leaves[3].Data) != string(files[1].Data) {
			t.Errorf("binary file changed in transit: %v", leaves[3].Data)
		}
	})
}

// adminActor stands in for an administrator changing the brand.
type adminActor struct{}

func (adminActor) IsAdmin() bool { return true }

// TestAttachmentsFollowTheirEmail queues several emails with files in one
// transaction, where the files go with the transaction's next statement
// (store.Tx.Later): each file must end up on its own email.
func TestAttachmentsFollowTheirEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		send := func(q store.Q, to string) error {
			return f.outbox.SendWith(ctx, q, f.clock.Now(), notify.Recipient{Email: to, Name: to, Lang: "en"},
				"password_reset", []notify.Attachment{
					{Name: to + "-1.txt", ContentType: "text/plain", Data: []byte("one")},
					{Name: to + "-2.txt", ContentType: "text/plain", Data: []byte("two")},
				}, "name", to, "link", f.outbox.Link("/reset/abc"), "minutes", 60)
		}
		if err := send(db, "before@example.org"); err != nil {
			t.Fatal(err)
		}
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for _, to := range []string{"a@example.org", "b@example.org"} {
				if err := send(tx, to); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(ctx, `SELECT o.to_email, a.name FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id ORDER BY a.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var to, name string
			if err := rows.Scan(&to, &name); err != nil {
				t.Fatal(err)
			}
			got = append(got, to+" "+name)
		}
		want := "before@example.org before@example.org-1.txt,before@example.org before@example.org-2.txt," +
			"a@example.org a@example.org-1.txt,a@example.org a@example.org-2.txt," +
			"b@example.org b@example.org-1.txt,b@example.org b@example.org-2.txt"
		if strings.Join(got, ",") != want {
			t.Errorf("files by email:\n%s\nwant\n%s", strings.Join(got, ","), want)
		}
	})
}
