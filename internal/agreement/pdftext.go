package agreement

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// People type anything into an agreement: emoji, Arabic, Chinese, pasted
// control characters. The embedded Go fonts draw Latin, Greek and Cyrillic
// letters and some symbols, all in the Basic Multilingual Plane, and fpdf
// gives up on the whole document at a single character beyond it. Rather
// than embed fonts for every script (megabytes each), every text is fitted
// to the fonts before it reaches fpdf: what they cannot draw becomes a
// visible U+FFFD, one per character as a reader sees it, and the copy says
// so. The exact text stays on the printable page, in the data download and
// under the fingerprint.

// replacement is what a character the fonts lack is printed as; both fonts
// have a glyph for it.
const replacement = '\uFFFD'

// pdfGlyphs has a bit set for every rune both embedded fonts have a glyph
// for, read from the fonts themselves rather than guessed from ranges.
var pdfGlyphs = sync.OnceValue(func() *[0x10000 / 64]uint64 {
	var set [0x10000 / 64]uint64
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("agreement: embedded Go font does not parse: " + err.Error())
		}
		fonts = append(fonts, f)
	}
	var b sfnt.Buffer
	for r := rune(0); r < 0x10000; r++ {
		has := true
		for _, f := range fonts {
			if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
				has = false
			}
		}
		if has {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

// drawable reports whether r prints as itself. Controls and format
// characters never do, even where the font has a glyph for them (the soft
// hyphen would show as a hyphen mid-word); nor does private use, whose
// glyphs mean nothing to the reader and one of which is the page-count
// alias.
func drawable(r rune) bool {
	if r >= 0x10000 || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co) {
		return false
	}
	return pdfGlyphs()[r/64]&(1<<(r%64)) != 0
}

// pdfBreaks turns every kind of line break into "\n", which is what
// MultiCell breaks at, and a tab into spaces (the fonts have no tab).
var pdfBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n", "\u0085", "\n", "\t", "    ")

// pdfText fits s to the embedded fonts: composed where Unicode allows (e
// and a combining acute become é), line breaks kept, invisible controls
// and format characters (bidi overrides, zero-width spaces, byte order
// marks) left out, and each character the fonts cannot draw replaced with
// U+FFFD. A mark the fonts lack is left off the letter it sits on.
// changed reports whether something a reader would have seen is missing or
// replaced.
func pdfText(s string) (out string, changed bool) {
	s = norm.NFC.String(pdfBreaks.Replace(strings.ToValidUTF8(s, string(replacement))))
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := clusterEnd(rs, i)
		if writeCluster(&b, rs[i:j]) {
			changed = true
		}
		i = j
	}
	return b.String(), changed
}

const zwj = '\u200D'

// clusterEnd returns where the character a reader sees that starts at
// rs[i] ends: a base with its marks, variation selectors and skin tones,
// emoji joined by zero-width joiners, or a pair of regional indicators (a
// flag). An approximation of Unicode's extended grapheme clusters, which
// is all one replacement per visible character needs.
func clusterEnd(rs []rune, i int) int {
	j := i + 1
	if unicode.Is(unicode.Cc, rs[i]) {
		return j
	}
	if isRegional(rs[i]) && j < len(rs) && isRegional(rs[j]) {
		j++
	}
	for j < len(rs) {
		r := rs[j]
		if !extends(r) && (rs[j-1] != zwj || !unicode.Is(unicode.So, r)) {
			break
		}
		j++
	}
	return j
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// extends reports whether r belongs to the character before it.
func extends(r rune) bool {
	return unicode.In(r, unicode.M, unicode.Variation_Selector) || r == zwj ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || // skin tones
		(r >= 0xE0020 && r <= 0xE007F) // tags, as in the flags of Scotland or Wales
}

// invisible reports whether leaving r out changes nothing a reader sees.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector)
}

func anyVisible(rs []rune) bool {
	for _, r := range rs {
		if !invisible(r) {
			return true
		}
	}
	return false
}

// writeCluster writes one visible character c fitted to the fonts and
// reports whether something visible was dropped or replaced.
func writeCluster(b *strings.Builder, c []rune) (changed bool) {
	base := c[0]
	switch {
	case base == '\n':
		b.WriteByte('\n')
		return false
	case drawable(base):
		b.WriteRune(base)
		for _, r := range c[1:] {
			if drawable(r) {
				b.WriteRune(r)
			} else if !invisible(r) {
				changed = true
			}
		}
		return changed
	case invisible(base):
		return anyVisible(c[1:]) // marks on nothing
	case unicode.Is(unicode.Zs, base):
		// Spaces the fonts lack (ideographic, em, narrow no-break) are
		// still spaces.
		b.WriteByte(' ')
		return anyVisible(c[1:])
	case unicode.In(base, unicode.M):
		return true // a mark with nothing to sit on
	}
	// A letter the fonts lack in composed form may be one they have with
	// marks they lack (Vietnamese ệ is e with two); the bare letter reads
	// better than a replacement.
	if d := []rune(norm.NFD.String(string(c))); d[0] != base && drawable(d[0]) {
		writeCluster(b, d)
		return true
	}
	b.WriteRune(replacement)
	return true
}

// PrintableText fits any text to the embedded fonts as the agreement copy
// does: what they cannot draw becomes a visible U+FFFD. Other PDFs (the
// funder report) print through it too.
func PrintableText(s string) string {
	out, _ := pdfText(s)
	return out
}
