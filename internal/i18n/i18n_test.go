package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestCatalogsComplete fails when any language lacks a key, a plural form its
// rules need, or a placeholder English has.
func TestCatalogsComplete(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Problems() {
		t.Error(p)
	}
}

func TestProblemsCatchesGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"hello":"Hello {name}","items":{"one":"{count} item","other":"{count} items"},"only_en":"x"}`)},
		"c/nb/a.json": {Data: []byte(`{"hello":"Hei","items":{"other":"{count} ting"}}`)},
		"c/sv/a.json": {Data: []byte(`{"hello":"Hej {name}","items":{"one":"{count} sak","other":"{count} saker"},"only_en":"x"}`)},
		"c/id/a.json": {Data: []byte(`{"hello":"Halo {name}","items":{"other":"{count} barang"},"only_en":"x","extra":"y"}`)},
	}
	b, err := LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(b.Problems(), "\n")
	for _, want := range []string{
		`nb: missing key "only_en"`,
		`nb: "items" lacks plural form "one"`,
		`nb: "hello" has placeholders []`,
		`id: key "extra" is not in English`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `id: "items" lacks`) {
		t.Errorf("Indonesian needs only the other form:\n%s", got)
	}
}

func TestTranslateAndPlural(t *testing.T) {
	fsys := fstest.MapFS{
		"c/en/a.json": {Data: []byte(`{"hello":"Hello {name}","items":{"one":"{count} item","other":"{count} items"}}`)},
		"c/nb/a.json": {Data: []byte(`{"hello":"Hei {name}","items":{"one":"{count} ting","other":"{count} ting"}}`)},
		"c/id/a.json": {Data: []byte(`{"items":{"other":"{count} barang"}}`)},
	}
	b, err := LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	en, nb, id := b.Locale("en"), b.Locale("nb"), b.Locale("id")
	cases := []struct{ got, want string }{
		{en.T("hello", "name", "Kari"), "Hello Kari"},
		{nb.T("hello", "name", "Kari"), "Hei Kari"},
		{id.T("hello", "name", "Kari"), "Hello Kari"}, // falls back to English
		{en.N("items", 1), "1 item"},
		{en.N("items", 2), "2 items"},
		{en.N("items", 12000), "12,000 items"},
		{nb.N("items", 12000), "12\u00a0000 ting"},
		{id.N("items", 1), "1 barang"},
		{en.T("no.such.key"), "no.such.key"},
		{b.Locale("xx").T("hello", "name", "A"), "Hello A"},
		{nb.T("hello", "name", langName{}), "Hei norsk"}, // a Localizer renders in the reader's language
		{en.T("hello", "name", langName{}), "Hello English"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2026, 5, 7, 13, 5, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{b.Locale("en").Date(d), "Thursday 7 May 2026"},
		{b.Locale("nb").Date(d), "torsdag 7. mai 2026"},
		{b.Locale("sv").Date(d), "torsdag 7 maj 2026"},
		{b.Locale("id").Date(d), "Kamis, 7 Mei 2026"},
		{b.Locale("id").ShortDate(d), "7 Mei 2026"},
		{b.Locale("nb").DateTime(d, "Europe/Oslo"), "torsdag 7. mai 2026 15.05"}, // Språkrådet: 15.05
		{b.Locale("id").DateTime(d, "Asia/Jakarta"), "Kamis, 7 Mei 2026 20.05"},
		{b.Locale("nb").DateTime(d, "Europe/Oslo"), "torsdag 7. mai 2026 15.05"}, // again, from the zone cache
		{b.Locale("en").DateTime(d, "No/Such_Zone"), "Thursday 7 May 2026 13:05"},
		{b.Locale("en").DateTime(d, ""), "Thursday 7 May 2026 13:05"},
		// Emails name the day and a zone people say, not "Europe/Oslo";
		// a zone without its own name is called after its city.
		{b.Locale("nb").When(d, "Europe/Oslo"), "torsdag 7. mai 2026 kl. 15.05 (norsk tid)"},
		{b.Locale("sv").When(d, "Europe/Stockholm"), "torsdag 7 maj 2026 kl. 15.05 (svensk tid)"},
		{b.Locale("id").When(d, "Asia/Jakarta"), "Kamis, 7 Mei 2026, pukul 20.05 WIB"},
		{b.Locale("en").When(d, "America/New_York"), "Thursday 7 May 2026, 09:05 (New York time)"},
		{b.Locale("nb").When(d, "Atlantic/Reykjavik"), "torsdag 7. mai 2026 kl. 13.05 (tid i Reykjavik)"},
		{b.Locale("en").When(d, "No/Such_Zone"), "Thursday 7 May 2026, 13:05 (UTC)"},
		{b.Locale("en").Decimal(1234.5, 1), "1,234.5"},
		{b.Locale("sv").Decimal(1234.5, 1), "1234,5"},
		{b.Locale("sv").Decimal(-0.5, 2), "-0,50"},
		{b.Locale("id").Int(1234567), "1.234.567"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := map[string]string{
		"nb-NO,nb;q=0.9,en;q=0.8": "nb",
		"no":                      "nb",
		"sv-SE":                   "sv",
		"fr-FR,id;q=0.5,en;q=0.4": "id",
		"fr, de":                  "",
		"":                        "",
		"en;q=0.2, sv;q=0.9":      "sv",
	}
	for h, want := range cases {
		if got := Match(h); got != want {
			t.Errorf("Match(%q) = %q, want %q", h, got, want)
		}
	}
}

// langName is a Localizer whose text depends on the reader's language.
type langName struct{}

func (langName) Localize(l *Locale) string {
	if l.Lang() == "nb" {
		return "norsk"
	}
	return "English"
}

func TestZones(t *testing.T) {
	zs := Zones()
	if len(zs) < 300 || !KnownZone("Europe/Oslo") || !KnownZone("Asia/Jakarta") || !KnownZone("UTC") {
		t.Fatalf("zone list: %d names", len(zs))
	}
	for _, bad := range []string{"", "Local", "Europe/Nowhere", "europe/oslo", "US/Eastern"} {
		if KnownZone(bad) {
			t.Errorf("%q is on the list", bad)
		}
	}
	for in, want := range map[string]string{"Asia/Jakarta": "Asia/Jakarta", "Asia/Calcutta": "Asia/Kolkata", "Etc/UTC": "UTC", "Mars/Base": "UTC"} {
		if got := DetectedZone(in); got != want {
			t.Errorf("DetectedZone(%q) = %q, want %q", in, got, want)
		}
	}
}
