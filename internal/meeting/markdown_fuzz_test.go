package meeting

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	fuzzTag  = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)
	fuzzAttr = regexp.MustCompile(`\s([a-zA-Z-]+)="([^"]*)"`)
	// What goldmark produces for the Markdown we accept; anything else
	// in the output came from the writer.
	fuzzTags = map[string]bool{"p": true, "em": true, "strong": true, "a": true, "ul": true, "ol": true, "li": true,
		"code": true, "pre": true, "blockquote": true, "h3": true, "h4": true, "h5": true, "h6": true,
		"hr": true, "br": true}
	fuzzAttrs = map[string]bool{"href": true, "rel": true, "start": true, "class": true, "title": true}
)

// FuzzMarkdown checks that whatever people write renders to tags and
// attributes from a short list, with no script and no link that runs code.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"**bold** and _em_\n\n- a\n- b", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"[x](JaVaScRiPt&#58;alert(1))", "![img](http://e.x/i.png)", "<img src=x onerror=alert(1)>",
		"\"><img onerror=alert(1)>", "<a href='javascript:x'>y</a>", "www.example.org/a?b=<c>",
		"a@b.co <mailto:a@b.co>", "```\n<script>\n```", "# h1\n## h2", "[a](<java\nscript:x>)",
		"<javascript:alert(1)>", "[x]: javascript:y\n[x]", "\xff\xfe<script>", "x\x00<b>y</b>",
		"<!-- c --><style>x</style>", "&lt;script&gt;", "[q](data:text/html,<script>)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Markdown(src))
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", src)
		}
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Fatalf("script in %q", out)
		}
		for _, m := range fuzzTag.FindAllStringSubmatch(out, -1) {
			if !fuzzTags[strings.ToLower(m[2])] {
				t.Fatalf("tag <%s> from %q: %s", m[2], src, out)
			}
		}
		// Attributes can only be inside tags; in text a quote is escaped.
		for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(out, -1) {
			for _, a := range fuzzAttr.FindAllStringSubmatch(tag, -1) {
				name := strings.ToLower(a[1])
				if !fuzzAttrs[name] {
					t.Fatalf("attribute %s in %s from %q", name, tag, src)
				}
				if name == "href" {
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, html.UnescapeString(a[2])))
					if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") {
						t.Fatalf("link to %q from %q", v, src)
					}
				}
			}
		}
	})
}
