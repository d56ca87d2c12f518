package notify_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/brand"
	"mentorskap/internal/notify"
)

func testLogo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for x := range 8 {
		img.Set(x, 1, color.RGBA{0x1f, 0x5f, 0x5b, 0xff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCompose writes a branded email with a button and a calendar file
// through go-mail and reads it back with the standard library's parser:
// headers safe and decodable, text part unchanged, an HTML part with the
// organisation, its logo (embedded, referenced by Content-ID) and one
// button, and the file intact.
func TestCompose(t *testing.T) {
	t.Parallel()
	logo := testLogo(t)
	m := notify.Message{ID: 42, CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		To:      notify.Recipient{Email: "sara@example.se", Name: "Sara Åkesson\r\nBcc: evil@example.org", Lang: "sv"},
		Subject: "Välkommen till ditt mentorprogram — en lång rubrik som måste delas upp i flera kodade ord för att rymmas",
		Body: "Hej Sara,\n\nÖppna länken för att välja ett nytt lösenord:\n\nhttps://mentor.example.org/reset/abc?x=1&y=<2>\n\n" +
			"Frågor? Läs https://mentor.example.org/help.\n\n-- \nSkickat av Mentorskap.",
		Action:      notify.Action{URL: "https://mentor.example.org/reset/abc?x=1&y=<2>", Label: "Välj lösenord"},
		Brand:       &brand.Brand{Name: "Föreningen <Mentor> & Co", Accent: "#7a1f5c", HasLogo: true, Logo: logo, LogoType: "image/png"},
		Attachments: []notify.Attachment{{Name: "meeting.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}},
	}
	data, err := notify.Compose(mail.Address{Name: "Mentorskap", Address: "noreply@example.org"}, m, m.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(data)
	head, _, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatal("no blank line between header and body")
	}
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") {
			t.Fatalf("header injection: %q", line)
		}
	}
	h, leaves := readMIME(t, raw)
	var dec mime.WordDecoder
	if subject, _ := dec.DecodeHeader(h.Get("Subject")); subject != m.Subject {
		t.Errorf("subject decodes to %q", subject)
	}
	to, err := mail.ParseAddress(h.Get("To"))
	if err != nil || to.Name != "Sara Åkesson Bcc: evil@example.org" || to.Address != "sara@example.se" {
		t.Errorf("To %q → %+v, %v", h.Get("To"), to, err)
	}
	if h.Get("Message-Id") != "<mentorskap.42."+"1772442000000000@example.org>" {
		t.Errorf("Message-ID %q not stable", h.Get("Message-Id"))
	}
	if h.Get("Content-Language") != "sv" || h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers %v", h)
	}

	text := findLeaf(leaves, "text/plain")
	if text == nil || strings.ReplaceAll(string(text.Data), "\r\n", "\n") != m.Body {
		t.Fatalf("text part changed: %+v", text)
	}
	html := findLeaf(leaves, "text/html")
	if html == nil || !strings.HasSuffix(html.Path, "multipart/alternative") {
		t.Fatalf("no HTML alternative: %+v", leaves)
	}
	doc := string(html.Data)
	for _, want := range []string{
		`lang="sv"`, `name="color-scheme" content="light dark"`, "prefers-color-scheme: dark",
		"Föreningen &lt;Mentor&gt; &amp; Co", `src="cid:brand-logo@mentorskap"`,
		`href="https://mentor.example.org/reset/abc?x=1&amp;y=%3c2%3e"`, ">Välj lösenord</a>", "background:#7a1f5c",
		`href="https://mentor.example.org/help"`, "Skickat av Mentorskap.",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("HTML part lacks %s:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, "Välj lösenord"); n != 1 {
		t.Errorf("%d buttons, want one", n)
	}
	if strings.Contains(doc, ">https://mentor.example.org/reset/") {
		t.Error("the button's address is also printed as a link: the button stands in for it")
	}
	img := findLeaf(leaves, "image/png")
	if img == nil || img.Header.Get("Content-Id") != "<brand-logo@mentorskap>" || !bytes.Equal(img.Data, logo) {
		t.Fatalf("logo part: %+v", img)
	}
	if !strings.Contains(img.Path, "multipart/related") {
		t.Errorf("logo sits in %s, not beside the HTML in multipart/related", img.Path)
	}
	if cal := findLeaf(leaves, "text/calendar"); cal == nil || string(cal.Data) != string(m.Attachments[0].Data) {
		t.Errorf("calendar: %+v", cal)
	}

	// Without brand, action or files: still text and HTML, nothing embedded.
	plain, err := notify.Compose(mail.Address{Address: "noreply@example.org"},
		notify.Message{To: notify.Recipient{Email: "a@example.org"}, Subject: "Hi", Body: "Hello"}, m.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	h, leaves = readMIME(t, string(plain))
	if len(leaves) != 2 || leaves[0].Type != "text/plain" || leaves[1].Type != "text/html" ||
		!strings.Contains(string(leaves[1].Data), "Mentorskap") || strings.Contains(string(leaves[1].Data), "cid:") {
		t.Errorf("plain email parts: %+v", leaves)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("random Message-ID %q", id)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := notify.Backoff(i + 1); got != w {
			t.Errorf("notify.Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if notify.Backoff(10) != 6*time.Hour || notify.Backoff(100) != 6*time.Hour {
		t.Errorf("backoff not capped at 6h: %v", notify.Backoff(9))
	}
}
