package e2e

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrandAdmin sets the installation's brand in a browser as an
// administrator would: a colour too light for white text is refused with
// the reason, then a good colour, a name and a logo change the header of
// every page and the accent the stylesheet uses. The brand page is checked
// with axe and at 375 px, and photographed in Norwegian and Indonesian.
func TestBrandAdmin(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	s.addUser(t, "ada@example.org", "Ada Admin", "admin", "a long enough secret")
	b := newBrowser(t)
	login(t, b, s, "ada@example.org", "a long enough secret")
	s.execSQL(t, `UPDATE users SET language = 'nb' WHERE email = 'ada@example.org'`)

	open(t, b, s, "/admin/brand", "#f-accent")
	fill(t, b, "#f-accent", "#f5c400")
	press(t, b, `main form[action="/admin/brand"] button.primary`)
	run(t, b, chromedp.WaitVisible(chromedp.CSS("#e-accent")))
	mustSee(t, b, "Fargen er for lys")
	checkPage(t, b, "brand refused")

	logo := filepath.Join(t.TempDir(), "logo.png")
	img := image.NewNRGBA(image.Rect(0, 0, 240, 80))
	for x := range 240 {
		for y := range 80 {
			if (x/20+y/20)%2 == 0 {
				img.Set(x, y, color.NRGBA{0x7a, 0x1f, 0x5c, 0xff})
			}
		}
	}
	f, err := os.Create(logo)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, img)
	f.Close()

	fill(t, b, "#f-name", "Nordlys Mentorforening")
	fill(t, b, "#f-accent", "#7a1f5c")
	run(t, b, chromedp.SetUploadFiles("#f-logo", []string{logo}))
	submit(t, b, `main form[action="/admin/brand"] button.primary`)
	mustSee(t, b, "Nordlys Mentorforening")
	accent := eval[string](t, b, `getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()`)
	if accent != "#7a1f5c" {
		t.Errorf("--accent is %q after saving", accent)
	}
	if !eval[bool](t, b, `(() => { const i = document.querySelector('header .brand img'); return !!i && i.complete && i.naturalWidth === 240; })()`) {
		t.Errorf("the header does not show the uploaded logo")
	}
	checkPage(t, b, "brand saved")
	shot(t, b, "admin-brand-nb")

	s.execSQL(t, `UPDATE users SET language = 'id' WHERE email = 'ada@example.org'`)
	open(t, b, s, "/admin/brand", "#f-accent")
	if !strings.Contains(pageText(t, b), "Identitas") {
		t.Errorf("the brand page is not in Indonesian")
	}
	checkPage(t, b, "brand id")
	shot(t, b, "admin-brand-id")
}
