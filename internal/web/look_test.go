package web

import (
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
)

// TestIconSet checks the icon function's markup: decorative icons are
// hidden from screen readers and cannot take focus, a label becomes text a
// screen reader reads (escaped), and an unknown name is an error rather
// than a hole in the page.
func TestIconSet(t *testing.T) {
	t.Parallel()
	for _, name := range iconNames() {
		got, err := icon(name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(got)
		for _, want := range []string{`aria-hidden="true"`, `focusable="false"`, `viewBox="0 0 24 24"`, `stroke="currentColor"`} {
			if !strings.Contains(s, want) {
				t.Errorf("icon %q lacks %s: %s", name, want, s)
			}
		}
		if strings.Contains(s, "sr-only") {
			t.Errorf("icon %q without a label has hidden text: %s", name, s)
		}
	}
	got, err := icon("warning", `Late <b>`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(got), `<span class="sr-only">Late &lt;b&gt;</span>`) {
		t.Errorf("labelled icon: %s", got)
	}
	if _, err := icon("no-such-icon"); err == nil {
		t.Error("an unknown icon name rendered")
	}
}

// iconUse finds {{icon "name"}} in templates.
var iconUse = regexp.MustCompile(`\{\{\s*icon\s+"([^"]+)"`)

// symbolIcon matches the Unicode arrows, dingbats, geometric shapes and
// pictographs that pages once used as icons. They render from whatever font
// the reader has (one showed as an empty box) and read out oddly; the SVG
// set replaces them. Dashes and the middle dot are punctuation, not icons.
var symbolIcon = regexp.MustCompile(`[\x{2190}-\x{21FF}\x{2300}-\x{23FF}\x{25A0}-\x{27BF}\x{2B00}-\x{2BFF}\x{203A}\x{2039}\x{1F300}-\x{1FAFF}]`)

// TestTemplatesUseTheIconSet checks every template: each icon it names is
// in the set, and no Unicode symbol stands in for an icon.
func TestTemplatesUseTheIconSet(t *testing.T) {
	t.Parallel()
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range iconUse.FindAllStringSubmatch(line, -1) {
				if _, ok := iconPaths[m[1]]; !ok {
					t.Errorf("%s:%d: icon %q is not in the set", path, i+1, m[1])
				}
			}
			if loc := symbolIcon.FindStringIndex(line); loc != nil {
				t.Errorf("%s:%d: %q used as an icon; use {{icon \"…\"}}", path, i+1, line[loc[0]:loc[1]])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPaletteContrast reads the colour tokens from the stylesheet's :root
// block, works out the mixed shades as the browser does (color-mix in
// sRGB), and checks that every pair of text and background the stylesheet
// combines meets WCAG AA: 4.5:1 for text, 3:1 for the borders of controls
// and the focus ring (drawn 2 px outside the control, so on the page).
func TestPaletteContrast(t *testing.T) {
	t.Parallel()
	css, err := fs.ReadFile(staticFS, "static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	tokens := rootTokens(t, string(css))
	for _, c := range []struct {
		fg, bg string
		min    float64
	}{
		{"--ink", "--paper", 4.5}, {"--ink", "--card", 4.5}, {"--ink", "--hover", 4.5},
		{"--muted", "--paper", 4.5}, {"--muted", "--card", 4.5}, {"--muted", "--neutral-soft", 4.5},
		{"--ink", "--accent-soft", 4.5}, {"--ink", "--success-soft", 4.5}, {"--ink", "--warning-soft", 4.5},
		{"--accent", "--card", 4.5}, {"--accent", "--paper", 4.5}, {"--accent", "--accent-soft", 4.5},
		{"--accent-strong", "--card", 4.5}, {"--accent-strong", "--accent-soft", 4.5},
		{"--accent-ink", "--accent", 4.5}, {"--accent-ink", "--accent-strong", 4.5},
		{"--success", "--success-soft", 4.5}, {"--success", "--card", 4.5},
		{"--warning", "--warning-soft", 4.5}, {"--warning", "--card", 4.5},
		{"--danger", "--danger-soft", 4.5}, {"--danger", "--card", 4.5}, {"--danger", "--paper", 4.5},
		{"--danger-strong", "--danger-soft", 4.5},
		{"--line-strong", "--card", 3}, {"--line-strong", "--paper", 3},
		{"--focus", "--card", 3}, {"--focus", "--paper", 3},
	} {
		fg, bg := resolveColour(t, tokens, c.fg, 0), resolveColour(t, tokens, c.bg, 0)
		r := contrast(fg, bg)
		if r < c.min {
			t.Errorf("%s on %s: %.2f:1, needs %.1f:1", c.fg, c.bg, r, c.min)
		}
		t.Logf("%s on %s: %.2f:1", c.fg, c.bg, r)
	}
}

var rootBlock = regexp.MustCompile(`(?s):root\s*\{(.*?)\n\}`)
var tokenDecl = regexp.MustCompile(`(--[a-z0-9-]+)\s*:\s*([^;]+);`)

func rootTokens(t *testing.T, css string) map[string]string {
	t.Helper()
	m := rootBlock.FindStringSubmatch(css)
	if m == nil {
		t.Fatal("app.css has no :root block")
	}
	tokens := map[string]string{}
	for _, d := range tokenDecl.FindAllStringSubmatch(m[1], -1) {
		tokens[d[1]] = strings.TrimSpace(d[2])
	}
	return tokens
}

type rgb [3]float64 // 0–255 per channel

var mixExpr = regexp.MustCompile(`^color-mix\(in srgb,\s*(.+?)\s+([0-9.]+)%,\s*(.+?)\)$`)

// resolveColour evaluates a colour token: #hex, var(--x) or
// color-mix(in srgb, A p%, B), the only forms the stylesheet's tokens use.
func resolveColour(t *testing.T, tokens map[string]string, expr string, depth int) rgb {
	t.Helper()
	if depth > 10 {
		t.Fatalf("colour %s: references go round in circles", expr)
	}
	expr = strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(expr, "--"):
		v, ok := tokens[expr]
		if !ok {
			t.Fatalf("no colour token %s", expr)
		}
		return resolveColour(t, tokens, v, depth+1)
	case strings.HasPrefix(expr, "var(") && strings.HasSuffix(expr, ")"):
		return resolveColour(t, tokens, expr[4:len(expr)-1], depth+1)
	case strings.HasPrefix(expr, "#") && len(expr) == 7:
		var c rgb
		for i := range 3 {
			n, err := strconv.ParseUint(expr[1+2*i:3+2*i], 16, 8)
			if err != nil {
				t.Fatalf("colour %s: %v", expr, err)
			}
			c[i] = float64(n)
		}
		return c
	}
	if m := mixExpr.FindStringSubmatch(expr); m != nil {
		p, _ := strconv.ParseFloat(m[2], 64)
		a, b := resolveColour(t, tokens, m[1], depth+1), resolveColour(t, tokens, m[3], depth+1)
		var c rgb
		for i := range 3 {
			// The browser rounds each mixed channel to a whole 8-bit value.
			c[i] = math.Round(a[i]*p/100 + b[i]*(1-p/100))
		}
		return c
	}
	t.Fatalf("colour %q: not a form this test reads (#rrggbb, var(), color-mix in srgb)", expr)
	return rgb{}
}

// contrast is the WCAG 2 contrast ratio of two colours, by the brand's own
// measure (the one that refuses an accent on save); channels mixed by
// color-mix are rounded to the nearest of 256 levels, as a browser paints them.
func contrast(a, b rgb) float64 { return brand.Contrast(a.hex(), b.hex()) }

func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", uint8(math.Round(c[0])), uint8(math.Round(c[1])), uint8(math.Round(c[2])))
}

// TestPagesShowIconsAndCurrentSection renders real pages through the
// router: the program page's section cards carry SVG icons hidden from
// screen readers (no Unicode stand-ins), back links carry the back arrow,
// and the header marks the section the page is in, a pair's page under
// home.
func TestPagesShowIconsAndCurrentSection(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "id")
	prog := "/programs/" + pid(f.prog.ID)

	r := f.cCoord.get(prog)
	r.mustStatus(t, 200)
	r.mustContain(t, `<svg class="icon icon-mail"`, `<svg class="icon icon-match"`, `aria-hidden="true" focusable="false"`,
		`<a href="/programs" aria-current="page">`)
	if loc := symbolIcon.FindStringIndex(r.Body); loc != nil {
		t.Errorf("program page still shows %q as an icon", r.Body[loc[0]:loc[1]])
	}
	if strings.Contains(r.Body, `<a href="/" aria-current="page">`) {
		t.Error("program page marks home as the current section")
	}

	r = f.cMentee.get(f.pairPath + "/meetings")
	r.mustStatus(t, 200)
	r.mustContain(t, `<svg class="icon icon-back"`, `<a href="/" aria-current="page">`)

	r = f.cCoord.get(prog + "/participants")
	r.mustStatus(t, 200)
	r.mustContain(t, `<svg class="icon icon-back"`, `<a href="/programs" aria-current="page">`)
}

func TestNavCurrent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path, section string
		want          bool
	}{
		{"/", "/", true}, {"/pairs/3/meetings?x=1", "/", true}, {"/calendar", "/", true},
		{"/programs", "/", false}, {"/programs", "/programs", true}, {"/programs/4/dashboard?page=2", "/programs", true},
		{"/programsx", "/programs", false}, {"/profile/security", "/profile", true}, {"/admin", "/profile", false},
	} {
		if got := (&Page{Path: c.path}).NavCurrent(c.section); got != c.want {
			t.Errorf("NavCurrent(%q) on %s = %v, want %v", c.section, c.path, got, c.want)
		}
	}
	coord := &Page{Path: "/pairs/3", User: &account.User{Role: account.RoleCoordinator}}
	if coord.NavCurrent("/") || !coord.NavCurrent("/programs") {
		t.Error("a coordinator's pair page belongs to the programs, not home")
	}
}
