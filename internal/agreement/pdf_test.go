package agreement

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/testtool"
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
	logo := image.NewRGBA(image.Rect(0, 0, 60, 20))
	for x := range 60 {
		logo.Set(x, 10, color.RGBA{0x7a, 0x1f, 0x5c, 0xff})
	}
	var png16 bytes.Buffer
	png.Encode(&png16, logo)
	cp := &Copy{View: &View{Pair: &program.Pair{ID: 7, ProgramName: "Våren 2026"}}, Version: v,
		Brand: &brand.Brand{Name: "Göteborgs Mentorförening", Accent: "#7a1f5c", HasLogo: true, Logo: png16.Bytes(),
			LogoType: "image/png"},
		Contacts: []Contact{{Name: "Cora Coordinator", Email: "cora@example.se"}}}
	return cp.Print(l, "Europe/Stockholm", &account.User{Name: "Élodie Næss"}, signed.Add(2*time.Hour)), l
}

func TestWritePDF(t *testing.T) {
	t.Parallel()
	p, l := samplePrinted(t)
	var buf bytes.Buffer
	if err := WritePDF(&buf, p, l, time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if out := os.Getenv("MENTORSKAP_PDF_OUT"); out != "" { // for looking at it
		os.WriteFile(out, buf.Bytes(), 0o644)
	}
	text := pdfToText(t, buf.Bytes())
	for _, want := range []string{
		"Åsa Öberg", "Élodie Næss", "Online (Teams) eller C:\\kontoret\\rum 2", ") ( \\ unmatched",
		"Vi träffas på ett café nära Göteborgs central", p.Hash,
		"måndag 2 mars 2026 10.30", // Stockholm is UTC+1 in March
		l.T("agreement.section.meetings"), p.Empty,
		"Göteborgs Mentorförening", l.T("copy.contact", "names", "Cora Coordinator (cora@example.se)"),
		p.SignHeads[0], p.SignHeads[1], p.SignHeads[2], p.SignHeads[3],
		l.T("copy.method_typed", "name", "Élodie Næss"), l.T("program.role.mentee"),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// The long clause wraps onto more pages, each numbered and each
	// carrying the fingerprint in its footer.
	pages := strings.Count(text, p.Footer)
	if !strings.Contains(text, l.T("copy.page", "page", 3, "pages", pages)) {
		t.Errorf("no third page numbered; text:\n%s", text)
	}
	if n := strings.Count(text, p.Fingerprint); n != pages || !strings.Contains(p.Fingerprint, p.Hash) {
		t.Errorf("fingerprint on %d of %d pages", n, pages)
	}
	if !bytes.Contains(buf.Bytes(), []byte("/Subtype /Image")) {
		t.Error("the organisation's logo is not in the PDF")
	}
}

// pdfToText reads a PDF's text back with poppler's pdftotext, whitespace
// collapsed so that wrapped lines read as one.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testtool.Command(t, "pdftotext", testtool.Poppler)
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
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

// hostileTexts are things a person can type (or paste) that the embedded
// fonts cannot draw as they are, or that are no text at all.
var hostileTexts = []struct{ name, s string }{
	{"emoji", "😀"},
	{"zwj family", "👩\u200d👩\u200d👧"},
	{"flag", "🇳🇴"},
	{"skin tone", "👍🏽"},
	{"keycap", "1\ufe0f\u20e3"},
	{"arabic", "مرحبا بالعالم"},
	{"hebrew", "שלום עולם"},
	{"chinese", "你好"},
	{"japanese", "日本語のテキスト"},
	{"korean", "한국어"},
	{"devanagari", "नमस्ते"},
	{"combining acute", "Cafe\u0301"},
	{"zalgo", "Z\u0337\u0322\u0353\u0308a\u0338\u0324\u035dl\u0335\u0330\u0308g\u0337\u0349\u0308o\u0335"},
	{"orphan mark", "\u0301\u0302"},
	{"controls", "a\x00b\x07c\x1bd\x7fe"},
	{"rtl override", "\u202eabc\u202c"},
	{"invisible", "\ufeff\u200b\u00ad\u2060"},
	{"line separators", "one\u2028two\u2029three\u0085four"},
	{"tab and cr", "a\tb\r\nc\rd"},
	{"other spaces", "a\u3000b\u2003c\u202fd"},
	{"invalid utf-8", "x\xff\xe0\x80y\xe0"},
	{"astral letters", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𓀀"},
	{"private use", "\ue000\U000f0000"},
	{"long word", strings.Repeat("Donaudampfschifffahrtsgesellschaftskapitän", 60)},
}

// hostileContent puts s into every text of an agreement, each between
// markers (f00æøå … f00ÆØÅ) that must come through untouched. Every string
// field of Content is filled by reflection, so a field added later is
// covered too.
func hostileContent(s string) (Content, []string) {
	var markers []string
	wrap := func() string {
		n := len(markers) / 2
		a, b := fmt.Sprintf("f%02dæøå", n), fmt.Sprintf("f%02dÆØÅ", n)
		markers = append(markers, a, b)
		return a + " " + s + " " + b
	}
	var c Content
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		for i := 0; i < v.NumField(); i++ {
			switch f := v.Field(i); f.Kind() {
			case reflect.String:
				f.SetString(wrap())
			case reflect.Struct:
				fill(f)
			}
		}
	}
	fill(reflect.ValueOf(&c).Elem())
	c.Parties = []Party{{Name: wrap(), Side: program.SideMentor}, {Name: wrap(), Side: program.SideMentee}}
	c.Goals = []Goal{{Key: "g1", Title: wrap(), Measure: wrap(), TargetDate: wrap(),
		SubGoals: []Goal{{Key: "g2", Title: wrap(), Measure: wrap(), TargetDate: wrap()}}}}
	c.MeetingCount, c.TypicalMinutes, c.MaxMinutes, c.CancelNoticeHours = 6, 60, 90, 24
	return c, markers
}

// TestWritePDFHostileText: no text a person can type makes the PDF fail,
// and the text around it still reads.
func TestWritePDFHostileText(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, h := range hostileTexts {
		all += h.s + " "
	}
	cases := append(hostileTexts, struct{ name, s string }{"everything at once", all})
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) {
			l := b.Locale("nb")
			c, markers := hostileContent(h.s)
			name := func() string {
				n := len(markers) / 2
				a, b := fmt.Sprintf("f%02dæøå", n), fmt.Sprintf("f%02dÆØÅ", n)
				markers = append(markers, a, b)
				return a + " " + h.s + " " + b
			}
			signed := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
			v := &Version{Number: 1, Content: c, Hash: Hash(c), Intact: true, Signatures: []Signature{
				{Name: name(), Side: program.SideMentor, TypedName: name(), SignedAt: signed, Hash: Hash(c)},
				{Name: name(), Side: program.SideMentee, TypedName: name(), SignedAt: signed, Hash: Hash(c)},
			}}
			cp := &Copy{View: &View{Pair: &program.Pair{ID: 7, ProgramName: name()}}, Version: v}
			p := cp.Print(l, "Europe/Oslo", &account.User{Name: name()}, signed)
			var buf bytes.Buffer
			if err := WritePDF(&buf, p, l, signed); err != nil {
				t.Fatalf("WritePDF: %v", err)
			}
			text := pdfToText(t, buf.Bytes())
			for _, m := range markers {
				if !strings.Contains(text, m) {
					t.Errorf("PDF text lacks the marker %q", m)
				}
			}
			if !strings.Contains(text, v.Hash) {
				t.Error("PDF text lacks the fingerprint")
			}
			if t.Failed() {
				t.Logf("PDF text:\n%s", text)
			}
		})
	}
}

// TestWritePDFShowsWhatItCannotDraw: a character the fonts lack becomes a
// visible mark, one per character as a reader sees it, and the copy says
// so; what the fonts can draw is kept, composed where Unicode allows.
func TestWritePDFShowsWhatItCannotDraw(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.Locale("en")
	for _, tc := range []struct {
		in, want string
		note     bool
	}{
		{"Åsa Öberg", "Åsa Öberg", false},
		{"Cafe\u0301 Ha\u030agen", "Café Hågen", false},
		{"a😀b", "a\ufffdb", true},
		{"a👩\u200d👩\u200d👧b", "a\ufffdb", true},
		{"a🇳🇴🇸🇪b", "a\ufffd\ufffdb", true},
		{"a👍🏽b", "a\ufffdb", true},
		{"1\ufe0f\u20e3", "1", true},
		{"你好", "\ufffd\ufffd", true},
		{"Z\u0337\u0322a\u0338l", "Zal", true},
		{"a\x00b\x07c\u202ed\u200be\ufeff", "abcde", false},
		{"a\tb", "a    b", false},
		{"a\u2028b", "a\nb", false},
		{"a\u3000b", "a b", false},
		{"x\xffy", "x\ufffdy", false},
	} {
		got, changed := pdfText(tc.in)
		if got != tc.want || changed != tc.note {
			t.Errorf("pdfText(%+q) = %+q, %v; want %+q, %v", tc.in, got, changed, tc.want, tc.note)
		}
	}

	p, _ := samplePrinted(t)
	p.Sections[0].Items[0].Text = "Åsa 😀 Öberg"
	p.Sections[0].Items[1].Text = "Élodie {nb} Næss" // fpdf's page-count alias
	var buf bytes.Buffer
	if err := WritePDF(&buf, p, l, time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	text := pdfToText(t, buf.Bytes())
	if !strings.Contains(text, "Åsa \ufffd Öberg") || !strings.Contains(text, strings.Join(strings.Fields(p.Unprintable), " ")) {
		t.Errorf("no visible replacement or no note; text:\n%s", text)
	}
	if !strings.Contains(text, "Élodie {nb} Næss") {
		t.Errorf("typed text taken for the page count; text:\n%s", text)
	}
	// A copy the fonts can print in full says nothing about it.
	p, _ = samplePrinted(t)
	buf.Reset()
	if err := WritePDF(&buf, p, l, time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if text := pdfToText(t, buf.Bytes()); strings.Contains(text, strings.Join(strings.Fields(p.Unprintable), " ")) {
		t.Error("the note shows on a copy with nothing replaced")
	}
}

// FuzzWritePDF: whatever the text, pdfText hands fpdf only characters the
// fonts draw (and line breaks), and the PDF is made.
func FuzzWritePDF(f *testing.F) {
	for _, h := range hostileTexts {
		f.Add(h.s)
	}
	b, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	l := b.Locale("id")
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := pdfText(s)
		for _, r := range out {
			if r != '\n' && !drawable(r) {
				t.Fatalf("pdfText(%+q) keeps %U", s, r)
			}
		}
		p := &Printed{Title: "Perjanjian", Program: s, Footer: s, MadeFor: s,
			Sections: []Section{{Title: "Pihak", Items: []Item{{Label: "Mentor", Text: s}}}},
			Org:      s, Contact: s, Fingerprint: s, Signatures: []PrintedSignature{{Role: "Mentor", Name: s, Method: s, Time: "2 Mar 2026"}}}
		var buf bytes.Buffer
		if err := WritePDF(&buf, p, l, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatalf("WritePDF with %+q: %v", s, err)
		}
	})
}
