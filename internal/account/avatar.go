package account

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"image"
	"image/jpeg"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	// Decoders for the formats people upload: phones and cameras send
	// JPEG, screenshots and drawing programs PNG, some sites GIF.
	_ "image/gif"
	_ "image/png"

	"golang.org/x/image/draw"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// AvatarSize is the side of the square a photo is scaled to: twice the
// largest size a page draws it at, for sharp screens.
const AvatarSize = 256

// MaxAvatarUpload is the largest file accepted, before scaling.
const MaxAvatarUpload = 8 << 20

// maxAvatarPixels refuses images whose header claims more pixels than any
// camera makes, before decoding them: a small file can declare a huge
// canvas and exhaust memory.
const maxAvatarPixels = 50_000_000

// ScaleAvatar decodes an uploaded image, crops it to its central square,
// scales it to AvatarSize and encodes it again as JPEG. Encoding from the
// pixels alone is what strips the metadata: location, camera, thumbnails
// and comments never reach the output.
func ScaleAvatar(data []byte) ([]byte, error) {
	var bad errs.Validation
	bad.Add("photo", "avatar.error.not_image")
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, bad.Err()
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width*cfg.Height > maxAvatarPixels {
		var v errs.Validation
		v.Add("photo", "avatar.error.too_large")
		return nil, v.Err()
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, bad.Err()
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, side, side).Add(image.Pt(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2))
	dst := image.NewRGBA(image.Rect(0, 0, AvatarSize, AvatarSize))
	// White under transparent pixels: JPEG has no alpha channel.
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// SaveAvatar scales data and stores it as the person's photo, replacing
// any earlier one.
func SaveAvatar(ctx context.Context, q store.Q, now time.Time, userID int64, data []byte) error {
	img, err := ScaleAvatar(data)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO avatars (user_id, image, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET image = excluded.image, updated_at = excluded.updated_at`, userID, img, now)
	return err
}

// DeleteAvatar removes the person's photo; their initials stand in again.
func DeleteAvatar(ctx context.Context, q store.Q, userID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM avatars WHERE user_id = ?`, userID)
	return err
}

// Avatar returns the person's stored photo (JPEG) and when it was saved.
// No photo is NotFound.
func Avatar(ctx context.Context, q store.Q, userID int64) ([]byte, time.Time, error) {
	var img []byte
	var at time.Time
	err := q.QueryRow(ctx, `SELECT image, updated_at FROM avatars WHERE user_id = ?`, userID).Scan(&img, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, errs.E(errs.NotFound, "error.not_found")
	}
	return img, at, err
}

// HasAvatar reports whether the person has uploaded a photo.
func HasAvatar(ctx context.Context, q store.Q, userID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM avatars WHERE user_id = ?`, userID).Scan(&n)
	return n > 0, err
}

// Initials are the first letters of a name's first and last words,
// upper-cased: "Kari Nordmann" → "KN", "Siti" → "S". A name with no
// letters (a deleted account has none) gives "?".
func Initials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "?"
	}
	first := func(w string) string {
		r, _ := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r))
	}
	s := first(words[0])
	if len(words) > 1 {
		s += first(words[len(words)-1])
	}
	return s
}

// avatarColours are background colours that all carry white text at
// WCAG AA contrast (4.5:1 or more).
var avatarColours = []string{"#1d5c58", "#8a3b12", "#5b3f8c", "#1f5e8c", "#7a2e4f", "#3f6212", "#6b4a1a", "#334155"}

// InitialsSVG draws a person's initials on a colour chosen from their id,
// so the same person keeps the same colour everywhere.
func InitialsSVG(userID int64, name string) []byte {
	h := fnv.New32a()
	fmt.Fprint(h, userID)
	bg := avatarColours[h.Sum32()%uint32(len(avatarColours))]
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">`+
		`<rect width="64" height="64" fill="%s"/>`+
		`<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="26" font-weight="600" fill="#fff">%s</text></svg>`,
		bg, html.EscapeString(Initials(name)))
}
