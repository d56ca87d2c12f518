package notify

import (
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestComposeHeaders(t *testing.T) {
	m := Message{ID: 42, CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		To:      Recipient{Email: "sara@example.se", Name: "Sara Åkesson\r\nBcc: evil@example.org", Lang: "sv"},
		Subject: "Välkommen till ditt mentorprogram — en lång rubrik som måste delas upp i flera kodade ord för att rymmas",
		Body:    "Hej Sara,\n\nLänk: https://mentor.example.org/reset/abc?x=1\n"}
	raw := string(Compose(mail.Address{Name: "Mentorskap", Address: "noreply@example.org"}, m, m.CreatedAt))
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatal("no blank line between header and body")
	}
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") {
			t.Fatalf("header injection: %q", line)
		}
		if len(line) > 998 {
			t.Errorf("header line longer than RFC 5322 allows: %q", line)
		}
	}
	if !strings.Contains(head, "?=\r\n =?utf-8?q?") {
		t.Errorf("long subject not folded:\n%s", head)
	}
	if !strings.Contains(head, "Message-ID: <mentorskap.42.") || !strings.Contains(head, "@example.org>") {
		t.Errorf("Message-ID missing or not stable:\n%s", head)
	}
	if strings.Contains(body, "\n") && !strings.Contains(body, "\r\n") {
		t.Error("body lines not CRLF")
	}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	if subject, _ := dec.DecodeHeader(msg.Header.Get("Subject")); subject != m.Subject {
		t.Errorf("subject decodes to %q", subject)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Name != "Sara Åkesson Bcc: evil@example.org" {
		t.Errorf("To %q → %+v, %v", msg.Header.Get("To"), to, err)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Backoff(10) != 6*time.Hour || Backoff(100) != 6*time.Hour {
		t.Errorf("backoff not capped at 6h: %v", Backoff(9))
	}
}
