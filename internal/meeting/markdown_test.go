package meeting

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMarkdownFormatsLightly(t *testing.T) {
	t.Parallel()
	got := string(Markdown("# Plan\n\n*Ask* about **pay**\n\n- one\n- two\n\n> quote\n\n`code`"))
	for _, want := range []string{"<h3>Plan</h3>", "<em>Ask</em>", "<strong>pay</strong>", "<li>one</li>",
		"<blockquote>", "<code>code</code>"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if Markdown("  \n ") != "" {
		t.Error("blank input should render nothing")
	}
}

func TestMarkdownLinks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"[site](https://example.org/a?b=1&c=2)", `<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">site</a>`},
		{"[mail](mailto:kari@example.org)", `<a href="mailto:kari@example.org" rel="nofollow noopener">mail</a>`},
		{"<https://example.org>", `<a href="https://example.org" rel="nofollow noopener">https://example.org</a>`},
		{"see https://example.org/x today", `<a href="https://example.org/x" rel="nofollow noopener">https://example.org/x</a>`},
		{"<kari@example.org>", `<a href="mailto:kari@example.org" rel="nofollow noopener">kari@example.org</a>`},
	}
	for _, c := range cases {
		if got := string(Markdown(c.in)); !strings.Contains(got, c.want) {
			t.Errorf("%q rendered\n%s\nwant it to hold\n%s", c.in, got, c.want)
		}
	}
}

func TestMarkdownRefusesHostileInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		keep     string // text that must survive, escaped
	}{
		{"script tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"inline html", "hello <img src=x onerror=alert(1)> there", "&lt;img src=x onerror=alert(1)&gt;"},
		{"html block", "<div onclick=\"steal()\">\nhi\n</div>", "&lt;div onclick=&quot;steal()&quot;&gt;"},
		{"javascript link", "[click](javascript:alert(1))", "click"},
		{"javascript link mixed case", "[click](JaVaScRiPt:alert(1))", "click"},
		{"encoded javascript", "[click](&#106;avascript:alert(1))", "click"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", "x"},
		{"vbscript autolink", "<vbscript:msgbox(1)>", "vbscript:msgbox(1)"},
		{"javascript autolink", "<javascript:alert(1)>", "javascript:alert(1)"},
		{"relative link", "[home](/admin)", "home"},
		{"protocol-relative link", "[x](//evil.example/)", "x"},
		{"attribute injection in url", `[x](https://example.org/"onmouseover="alert(1))`, "x"},
		{"attribute injection in title", `[x](https://example.org "a\" onmouseover=\"alert(1)")`, "x"},
		{"image", "![secret plan](https://tracker.example/p.gif)", "secret plan"},
		{"image in link", "[![pic](https://t.example/a.png)](https://example.org)", "pic"},
		{"reference image", "![alt][r]\n\n[r]: https://t.example/b.png", "alt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(Markdown(c.in))
			mustBeSafeHTML(t, c.in, got)
			if !strings.Contains(got, c.keep) {
				t.Errorf("%q lost its text %q:\n%s", c.in, c.keep, got)
			}
		})
	}
}

// Tags with an event handler, and links anywhere but http(s) or mailto.
var (
	handlerInTag = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	anyHref      = regexp.MustCompile(`(?i)href="([^"]*)"`)
	quoted       = regexp.MustCompile(`"[^"]*"`)
	rawTag       = regexp.MustCompile(`(?i)<(script|img|div|iframe|style|svg|object)`)
)

func mustBeSafeHTML(t *testing.T, in, got string) {
	t.Helper()
	if m := rawTag.FindString(got); m != "" {
		t.Errorf("%q rendered a raw %q:\n%s", in, m, got)
	}
	// A real quote delimits an attribute value; quotes inside values are
	// &quot;. Without the values, any on…= left is a handler.
	if handlerInTag.MatchString(quoted.ReplaceAllString(got, `""`)) {
		t.Errorf("%q rendered an event handler:\n%s", in, got)
	}
	for _, m := range anyHref.FindAllStringSubmatch(got, -1) {
		if !strings.HasPrefix(m[1], "https://") && !strings.HasPrefix(m[1], "http://") && !strings.HasPrefix(m[1], "mailto:") {
			t.Errorf("%q rendered a link to %q:\n%s", in, m[1], got)
		}
	}
}

func TestMarkdownAttributeQuotesEscaped(t *testing.T) {
	t.Parallel()
	got := string(Markdown(`[x](https://example.org/"onmouseover="alert(1))`))
	// Whatever the parser makes of it, no quote may end the href early.
	if strings.Contains(got, `" onmouseover`) || strings.Contains(got, `"onmouseover="`) {
		t.Fatalf("attribute injection:\n%s", got)
	}
	got = string(Markdown(`[x](https://example.org "t\" onclick=\"x")`))
	if strings.Contains(got, `" onclick="`) {
		t.Fatalf("title injection:\n%s", got)
	}
}

func TestMarkdownInvalidUTF8AndNUL(t *testing.T) {
	t.Parallel()
	got := string(Markdown("bad \xff\xfe bytes \x00 and <b>\xc3</b>"))
	if !utf8.ValidString(got) {
		t.Fatalf("output is not valid UTF-8: %q", got)
	}
	if strings.Contains(got, "\x00") {
		t.Fatalf("NUL reached the output: %q", got)
	}
	if !strings.Contains(got, "&lt;b&gt;") {
		t.Fatalf("html not escaped: %q", got)
	}
}

func TestMarkdownVeryLongAndDeepInput(t *testing.T) {
	t.Parallel()
	inputs := map[string]string{
		"long paragraph":  strings.Repeat("word ", 200000),
		"open brackets":   strings.Repeat("[", 100000),
		"nested quotes":   strings.Repeat(">", 10000) + " deep",
		"emphasis":        strings.Repeat("*a_", 50000),
		"nested lists":    strings.Repeat("- ", 5000) + "x",
		"links":           strings.Repeat("[a](https://example.org) ", 20000),
		"backticks":       strings.Repeat("`", 50000),
		"html everywhere": strings.Repeat("<x>", 50000),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got := string(Markdown(in))
			if got == "" {
				t.Fatal("rendered nothing")
			}
			mustBeSafeHTML(t, name, got)
			if strings.Contains(got, "<x>") {
				t.Fatal("raw html passed through")
			}
		})
		// Just under the limit the same input still goes through goldmark.
		t.Run(name+" at the limit", func(t *testing.T) {
			in := string([]rune(in)[:MaxMarkdown])
			got := string(Markdown(in))
			mustBeSafeHTML(t, name, got)
			if strings.Contains(got, "<x>") {
				t.Fatal("raw html passed through")
			}
		})
	}
}

func TestMarkdownPastTheLimitIsPlainText(t *testing.T) {
	t.Parallel()
	in := "**bold** <b>x</b>\n" + strings.Repeat("a", MaxMarkdown)
	got := string(Markdown(in))
	if !strings.HasPrefix(got, "<p>**bold** &lt;b&gt;x&lt;/b&gt;<br>\n") {
		t.Fatalf("long text not shown plainly:\n%.200s", got)
	}
}

// BenchmarkMarkdownWorstCase is the slowest input found for goldmark at the
// longest length it is given (unmatched mixed emphasis delimiters).
func BenchmarkMarkdownWorstCase(b *testing.B) {
	in := strings.Repeat("*a_", MaxMarkdown/3)
	for b.Loop() {
		Markdown(in)
	}
}

func BenchmarkMarkdownNote(b *testing.B) {
	note := strings.Repeat("Since last time I **applied** to three jobs and read [the guide](https://example.org/guide).\n\n- call Kari\n- update CV\n\n", 40)
	b.SetBytes(int64(len(note)))
	for b.Loop() {
		Markdown(note)
	}
}
