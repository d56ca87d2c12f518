package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w && h > 2; x++ { // a bar, so that a rendered logo shows
		for y := h / 3; y < 2*h/3; y++ {
			img.Set(x, y, color.RGBA{0x7a, 0x1f, 0x5c, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// brandForm posts the admin brand form as multipart/form-data.
func (c *client) brandForm(fields map[string]string, logo []byte) *response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if logo != nil {
		f, _ := w.CreateFormFile("logo", "logo.png")
		f.Write(logo)
	}
	w.Close()
	return c.send(http.MethodPost, "/admin/brand", w.FormDataContentType(), &body)
}

func brandRow(t *testing.T, db *store.DB) (name, accent string, logo int) {
	t.Helper()
	err := db.QueryRow(context.Background(), `SELECT org_name, accent, COALESCE(LENGTH(logo), 0) FROM brand WHERE id = 1`).
		Scan(&name, &accent, &logo)
	if err != nil {
		return "", "", -1
	}
	return name, accent, logo
}

// TestBrandThroughPagesAndAPI sets the brand as an administrator on the
// page and through the API, and checks that a colour too light for white
// text, a broken or oversized logo, and anyone but an administrator are
// refused with nothing changed; then that pages, the stylesheet, the logo
// and emails carry the brand.
func TestBrandThroughPagesAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "nb")
		app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "id")
		admin := app.login("admin@example.org")
		coord := app.login("coord@example.org")

		// Before anything is set: the built-in brand.
		res := admin.get("/admin/brand")
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, app.enrolT("nb", "brand.title"), `value="#1f5f5b"`, `href="/brand.css?v=0"`)

		// Too light: yellow on white is about 1.1:1. Refused, translated, kept.
		res = admin.brandForm(map[string]string{"name": "Bergen Mentor", "accent": "#ffd400"}, nil)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, "Fargen er for lys", "minst 4,5:1", `value="#ffd400"`, `aria-invalid="true"`)
		if _, _, n := brandRow(t, db); n != -1 {
			t.Fatal("a refused brand was stored")
		}
		// Not a colour, and a file that is not an image.
		res = admin.brandForm(map[string]string{"accent": "teal"}, []byte("<svg onload=alert(1)>"))
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.enrolT("nb", "brand.error.colour"), app.enrolT("nb", "brand.error.logo_type"))
		// Too many pixels, though small in bytes.
		res = admin.brandForm(map[string]string{"accent": "#1f5f5b"}, pngOf(t, brand.MaxLogoSide+1, 1))
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.enrolT("nb", "brand.error.logo_side", "side", brand.MaxLogoSide))
		// Too many bytes: refused before it is read whole.
		res = admin.brandForm(map[string]string{"accent": "#1f5f5b"}, bytes.Repeat([]byte{0x89}, brand.MaxLogoBytes*2))
		if res.StatusCode != http.StatusRequestEntityTooLarge && res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("oversized logo: status %d", res.StatusCode)
		}
		if _, _, n := brandRow(t, db); n != -1 {
			t.Fatal("a refused brand was stored")
		}

		// Coordinators may neither see nor change the brand.
		coord.get("/admin/brand").mustStatus(t, http.StatusForbidden)
		coord.brandForm(map[string]string{"accent": "#123456"}, nil).mustStatus(t, http.StatusForbidden)

		// A good one: dark plum, with a logo.
		logo := pngOf(t, 120, 40)
		res = admin.brandForm(map[string]string{"name": "  Bergen   Mentor <&> ", "accent": "#7A1F5C"}, logo)
		res.mustStatus(t, http.StatusSeeOther)
		name, accent, n := brandRow(t, db)
		if name != "Bergen Mentor <&>" || accent != "#7a1f5c" || n != len(logo) {
			t.Fatalf("stored %q %q %d", name, accent, n)
		}
		res = coord.get("/")
		res.mustContain(t, "Bergen Mentor &lt;&amp;&gt;</a>", `src="/brand/logo?v=`, `<link rel="stylesheet" href="/brand.css?v=`)
		b, _ := brand.Get(context.Background(), db)
		css := app.client().get("/brand.css?v=" + b.Version())
		css.mustStatus(t, http.StatusOK)
		if !strings.Contains(css.Body, "--accent: #7a1f5c;") || !strings.Contains(css.Header.Get("Cache-Control"), "immutable") ||
			!strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("brand.css %v:\n%s", css.Header, css.Body)
		}
		img := app.client().get("/brand/logo?v=" + b.Version())
		if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Body != string(logo) {
			t.Fatalf("logo: %d %v", img.StatusCode, img.Header)
		}

		// Saving without a file keeps the logo; remove_logo drops it.
		admin.brandForm(map[string]string{"name": "Bergen Mentor", "accent": "#7a1f5c"}, nil).mustStatus(t, http.StatusSeeOther)
		if _, _, n := brandRow(t, db); n != len(logo) {
			t.Fatal("saving without a file dropped the logo")
		}

		// The API: public read, administrators write, same checks.
		api := app.apiClient("admin@example.org")
		got := apiDecode[apiBrand](t, app.client().apiSend("GET", "/api/v1/brand", nil), http.StatusOK)
		if got.Name != "Bergen Mentor" || got.Accent != "#7a1f5c" || got.LogoURL == nil ||
			!strings.HasPrefix(*got.LogoURL, "http://mentorskap.test/brand/logo?v=") {
			t.Fatalf("GET brand %+v", got)
		}
		p := mustProblem(t, api.apiSend("PUT", "/api/v1/brand", map[string]any{"name": "X", "accent": "#9aa0a6"}), http.StatusUnprocessableEntity)
		if p.Errors["accent"] == "" {
			t.Fatalf("problem %+v", p)
		}
		mustProblem(t, app.apiClient("coord@example.org").apiSend("PUT", "/api/v1/brand",
			map[string]any{"accent": "#123456"}), http.StatusForbidden)
		if name, _, _ := brandRow(t, db); name != "Bergen Mentor" {
			t.Fatal("a refused API change was stored")
		}
		got = apiDecode[apiBrand](t, api.apiSend("PUT", "/api/v1/brand",
			map[string]any{"name": "", "accent": "#036", "remove_logo": true}), http.StatusOK)
		if got.Name != brand.DefaultName || got.Accent != "#003366" || got.LogoURL != nil {
			t.Fatalf("PUT brand %+v", got)
		}
		app.client().get("/brand/logo").mustStatus(t, http.StatusNotFound)
	})
}
