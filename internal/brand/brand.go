// Package brand holds the installation's one brand: the organisation's
// name, its logo and the accent colour. An administrator sets it; pages,
// emails and agreement PDFs read it. The colour is checked on save so that
// text in it (and white text on it) stays readable: WCAG 2 AA asks for a
// contrast of 4.5:1 for normal text.
package brand

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // a logo may be a JPEG
	_ "image/png"  // or a PNG
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// Defaults used until an administrator sets the brand.
const (
	DefaultName   = "Mentorskap"
	DefaultAccent = "#1f5f5b" // the built-in teal: 7.4:1 against white
)

// Limits on what an administrator may save.
const (
	MaxName      = 80
	MaxLogoBytes = 256 << 10 // a logo is shown at 40 px high; 256 KiB is plenty
	MaxLogoSide  = 2000      // pixels; also bounds the memory a decode may take
	MinContrast  = 4.5       // WCAG 2 AA for normal text
)

// Brand is what pages, emails and PDFs show.
type Brand struct {
	Name      string // the organisation; DefaultName when not set
	Accent    string // "#rrggbb", lower case
	HasLogo   bool
	Logo      []byte // only filled by WithLogo
	LogoType  string // image/png or image/jpeg
	UpdatedAt time.Time
}

// Version changes whenever the brand does: it busts caches of the logo and
// the brand stylesheet.
func (b *Brand) Version() string {
	if b.UpdatedAt.IsZero() {
		return "0"
	}
	return strconv.FormatInt(b.UpdatedAt.UnixMilli(), 36)
}

// Default is the brand of an installation whose administrator has set none.
func Default() *Brand { return &Brand{Name: DefaultName, Accent: DefaultAccent} }

// Get reads the brand without the logo's bytes: every page asks for it.
func Get(ctx context.Context, q store.Q) (*Brand, error) {
	b := Default()
	var name, accent string
	var logoLen int64
	err := q.QueryRow(ctx, `SELECT org_name, accent, COALESCE(LENGTH(logo), 0), logo_type, updated_at
		FROM brand WHERE id = 1`).Scan(&name, &accent, &logoLen, &b.LogoType, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	if name != "" {
		b.Name = name
	}
	if accent != "" {
		b.Accent = accent
	}
	b.HasLogo = logoLen > 0
	return b, nil
}

// WithLogo reads the brand with the logo's bytes, for serving the image
// and embedding it in emails and PDFs.
func WithLogo(ctx context.Context, q store.Q) (*Brand, error) {
	b, err := Get(ctx, q)
	if err != nil || !b.HasLogo {
		return b, err
	}
	err = q.QueryRow(ctx, `SELECT logo FROM brand WHERE id = 1`).Scan(&b.Logo)
	return b, err
}

// Actor is who asks to change the brand: an *account.User. An interface,
// because account sends emails, and emails show the brand.
type Actor interface{ IsAdmin() bool }

// Change is what an administrator submits. Logo nil keeps the present
// logo; RemoveLogo drops it.
type Change struct {
	Name       string
	Accent     string
	Logo       []byte
	RemoveLogo bool
}

// Save checks the change and stores it; any problem leaves the brand as it
// was. Only administrators may change the brand.
func Save(ctx context.Context, db *store.DB, actor Actor, now time.Time, c Change) (*Brand, error) {
	if actor == nil || !actor.IsAdmin() {
		return nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	var v errs.Validation
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	v.Check(utf8.RuneCountInString(c.Name) <= MaxName, "name", "error.too_long", "max", MaxName)
	accent, ok := ParseColour(c.Accent)
	if !ok {
		v.Add("accent", "brand.error.colour")
	} else if ratio := contrastOnPages(accent); ratio < MinContrast {
		v.Add("accent", "brand.error.contrast", "ratio", decimal{ratio, 2}, "min", decimal{MinContrast, 1})
	}
	var logoType string
	if c.Logo != nil && !c.RemoveLogo {
		var key string
		logoType, key = checkLogo(c.Logo)
		if key != "" {
			v.Add("logo", key, "max", MaxLogoBytes>>10, "side", MaxLogoSide)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO brand (id, org_name, accent, updated_at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET org_name = excluded.org_name, accent = excluded.accent,
			updated_at = excluded.updated_at`, c.Name, accent, now); err != nil {
			return err
		}
		switch {
		case c.RemoveLogo:
			_, err := tx.Exec(ctx, `UPDATE brand SET logo = NULL, logo_type = '' WHERE id = 1`)
			return err
		case c.Logo != nil:
			_, err := tx.Exec(ctx, `UPDATE brand SET logo = ?, logo_type = ? WHERE id = 1`, c.Logo, logoType)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, db)
}

// checkLogo says what kind of image data is, or why it cannot be a logo.
// Only PNG and JPEG are taken: an SVG can carry script, and both formats
// decode with the standard library.
func checkLogo(data []byte) (contentType, errKey string) {
	if len(data) == 0 {
		return "", "brand.error.logo_empty"
	}
	if len(data) > MaxLogoBytes {
		return "", "brand.error.logo_too_large"
	}
	ct := http.DetectContentType(data)
	if ct != "image/png" && ct != "image/jpeg" {
		return "", "brand.error.logo_type"
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", "brand.error.logo_type"
	}
	if cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide || cfg.Width == 0 || cfg.Height == 0 {
		return "", "brand.error.logo_side"
	}
	// Decoding the whole image catches a file whose header is fine but
	// whose data is broken, before any mail client or PDF meets it.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", "brand.error.logo_type"
	}
	return ct, ""
}

// ParseColour reads "#rgb" or "#rrggbb" (the # optional) into "#rrggbb".
func ParseColour(s string) (string, bool) {
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return "", false
	}
	if _, err := strconv.ParseUint(s, 16, 32); err != nil {
		return "", false
	}
	return "#" + s, true
}

// decimal is a number shown in the reader's own notation (4,5 in nb).
type decimal struct {
	v      float64
	digits int
}

func (d decimal) Localize(l *i18n.Locale) string {
	p := math.Pow10(d.digits)
	return l.Decimal(math.Floor(d.v*p)/p, d.digits) // never round 4.496 up to a passing 4.50
}

// RGB splits a colour ParseColour accepted into its channels.
func RGB(hex string) (r, g, b uint8) {
	n, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return uint8(n >> 16), uint8(n >> 8), uint8(n)
}

// luminance is the WCAG 2 relative luminance of a colour.
func luminance(hex string) float64 {
	r, g, b := RGB(hex)
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// Contrast is the WCAG 2 contrast ratio of two colours, from 1 to 21.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// contrastOnPages is the lowest contrast the accent meets on the pages:
// white text on it and it on white (the same ratio: buttons and links), and
// it as text on its own pale tint (badges).
func contrastOnPages(accent string) float64 {
	b := Brand{Accent: accent}
	return min(Contrast(accent, "#ffffff"), Contrast(accent, b.Soft()))
}

// Soft is a pale tint of the accent (11% of it over white, as app.css
// mixes --accent-soft), for
// backgrounds behind text in the ink colour.
func (b *Brand) Soft() string {
	r, g, bl := RGB(b.Accent)
	mix := func(c uint8) uint8 { return uint8(255 - (255-float64(c))*0.11) }
	return fmt.Sprintf("#%02x%02x%02x", mix(r), mix(g), mix(bl))
}
