package agreement

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// samplePrinted is a long signed agreement laid out in Swedish, with text
// that must survive the trip into PDF unchanged: parentheses and
// backslashes (PDF string syntax), long unbroken words and all the
// Nordic letters.
func samplePrinted(t testing.TB) (*Printed, *i18n.Locale) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.Locale("sv")
	long := strings.Repeat("Vi träffas på ett café nära Göteborgs central och går igenom veckans frågor. ", 40)
	c := Content{
		Parties:   []Party{{Name: "Åsa Öberg", Side: program.SideMentor}, {Name: "Élodie Næss", Side: program.SideMentee}},
		StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 6, TypicalMinutes: 60, MaxMinutes: 90,
		Frequency:     long,
		Places:        `Online (Teams) eller C:\kontoret\rum 2 – se https://example.org/en/mycket/lång/adress/utan/mellanslag/alls/som/måste/brytas`,
		Communication: "E-post; svar inom två dagar ) ( \\ unmatched",
		Goals:         []Goal{{Key: "g1", Title: "Söka fem tjänster", SubGoals: []Goal{{Key: "g2", Title: "Skriva om cv:t"}}}},
		Voluntary:     "Båda deltar frivilligt.",
	}
	signed := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	v := &Version{Number: 2, Content: c, Hash: Hash(c), Intact: true, Signatures: []Signature{
		{Name: "Åsa Öberg", Side: program.SideMentor, TypedName: "Åsa Öberg", SignedAt: signed, Hash: Hash(c)},
		{Name: "Élodie Næss", Side: program.SideMentee, TypedName: "Élodie Næss", SignedAt: signed.Add(time.Hour), Hash: Hash(c)},
	}}
	cp := &Copy{View: &View{Pair: &program.Pair{ID: 7, ProgramName: "Våren 2026"}}, Version: v}
	return cp.Print(l, "Europe/Stockholm", &account.User{Name: "Élodie Næss"}, signed.Add(2*time.Hour)), l
}

func TestWritePDF(t *testing.T) {
	p, l := samplePrinted(t)
	var buf bytes.Buffer
	if err := WritePDF(&buf, p, l, time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("MENTORSKAP_CI") != "" {
			t.Fatal("pdftotext (Debian package poppler-utils) is required in CI")
		}
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = &buf
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"Åsa Öberg", "Élodie Næss", "Online (Teams) eller C:\\kontoret\\rum 2", ") ( \\ unmatched",
		"Vi träffas på ett café nära Göteborgs central", p.Hash,
		l.T("copy.signed_at", "when", "2 mars 2026 10:30"), // Stockholm is UTC+1 in March
		l.T("agreement.section.meetings"), p.Empty,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// The long clause wraps onto more pages, each numbered.
	if !strings.Contains(text, l.T("copy.page", "page", 3, "pages", strings.Count(text, p.Footer))) {
		t.Errorf("no third page numbered; text:\n%s", text)
	}
}

func BenchmarkWritePDF(b *testing.B) {
	p, l := samplePrinted(b)
	now := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WritePDF(&buf, p, l, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
