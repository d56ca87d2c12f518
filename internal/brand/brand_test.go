package brand

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

func TestContrast(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
		{"#777777", "#ffffff", 4.48},
		{"#1f5f5b", "#ffffff", 7.38},
	} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
	if contrastOnPages("#767676") >= MinContrast {
		t.Error("#767676 passes on white but not on its own tint; the check must take the lower")
	}
	if contrastOnPages(DefaultAccent) < MinContrast {
		t.Error("the built-in accent fails its own check")
	}
}

func TestParseColour(t *testing.T) {
	for in, want := range map[string]string{"#1F5F5B": "#1f5f5b", " 1f5f5b ": "#1f5f5b", "#036": "#003366"} {
		if got, ok := ParseColour(in); !ok || got != want {
			t.Errorf("ParseColour(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "#12345", "#gggggg", "teal", "#1f5f5b;}body{x:y", "rgb(0,0,0)"} {
		if got, ok := ParseColour(in); ok {
			t.Errorf("ParseColour(%q) = %q, accepted", in, got)
		}
	}
}

func TestCheckLogo(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	var p, j, g bytes.Buffer
	png.Encode(&p, img)
	jpeg.Encode(&j, img, nil)
	gif.Encode(&g, img, nil)
	if ct, key := checkLogo(p.Bytes()); ct != "image/png" || key != "" {
		t.Errorf("PNG: %q %q", ct, key)
	}
	if ct, key := checkLogo(j.Bytes()); ct != "image/jpeg" || key != "" {
		t.Errorf("JPEG: %q %q", ct, key)
	}
	for name, c := range map[string]struct {
		data []byte
		key  string
	}{
		"GIF":       {g.Bytes(), "brand.error.logo_type"},
		"SVG":       {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "brand.error.logo_type"},
		"truncated": {p.Bytes()[:len(p.Bytes())-20], "brand.error.logo_type"},
		"empty":     {[]byte{}, "brand.error.logo_empty"},
		"too large": {make([]byte, MaxLogoBytes+1), "brand.error.logo_too_large"},
	} {
		if _, key := checkLogo(c.data); key != c.key {
			t.Errorf("%s: %q, want %q", name, key, c.key)
		}
	}
}
