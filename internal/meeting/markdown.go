package meeting

import (
	"bytes"
	"html"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Notes and agendas accept light formatting: emphasis, lists, quotes, code,
// headings and links. What people write is shown to the other side of the
// pair, so the rendering is the security boundary: raw HTML is shown as the
// text it is, images are reduced to their description (an image URL would
// tell a stranger's server when the page was read), and links are kept only
// for http, https and mailto, marked so that search engines and the opened
// page gain nothing from them.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeTransformer{}, 100))),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeHTMLRenderer{}, 100))),
)

// MaxMarkdown is the longest text rendered as Markdown. Every field that
// accepts formatting is shorter; past it, text is shown plain, because
// goldmark's delimiter matching grows faster than linearly on crafted input
// (about 25 ms at this length, seconds at a few times it).
const MaxMarkdown = MaxNoteText

// Markdown renders what a person wrote as safe HTML.
func Markdown(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	// goldmark works on bytes; invalid UTF-8 must not reach the page.
	src = strings.ToValidUTF8(src, "\uFFFD")
	if utf8.RuneCountInString(src) > MaxMarkdown {
		return plainText(src)
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		// Conversion only fails when the writer does.
		return plainText(src)
	}
	return template.HTML(buf.String())
}

// plainText shows text as it was written: escaped, one paragraph per blank
// line-separated block, line breaks kept.
func plainText(src string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(strings.ReplaceAll(para, "\x00", "\uFFFD")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String())
}

// safeURL reports whether a link may point at dest: absolute http or https
// with a host, or mailto.
func safeURL(dest string) bool {
	u, err := url.Parse(dest)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// safeTransformer rewrites the parsed document before rendering.
type safeTransformer struct{}

func (safeTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap []ast.Node
	var replace [][2]ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			// The page already has its own h1 and h2.
			n.Level = min(n.Level+2, 6)
		case *ast.Image:
			unwrap = append(unwrap, n)
		case *ast.Link:
			if safeURL(string(n.Destination)) {
				n.SetAttributeString("rel", []byte("nofollow noopener"))
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			url := string(n.URL(source))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			if safeURL(url) {
				n.SetAttributeString("rel", []byte("nofollow noopener"))
			} else {
				replace = append(replace, [2]ast.Node{n, ast.NewString(n.Label(source))})
			}
		}
		return ast.WalkContinue, nil
	})
	// Changing the tree while walking it would skip nodes.
	for _, n := range unwrap {
		parent := n.Parent()
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
	for _, r := range replace {
		r[0].Parent().ReplaceChild(r[0].Parent(), r[0], r[1])
	}
}

// escapeHTMLRenderer shows raw HTML as text instead of dropping it, so that
// someone who writes "<b>" sees what they wrote.
type escapeHTMLRenderer struct{}

func (escapeHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := range segs.Len() {
				seg := segs.At(i)
				w.Write(util.EscapeHTML(seg.Value(source)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		b := n.(*ast.HTMLBlock)
		if entering {
			w.WriteString("<p>")
			lines := b.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				w.Write(util.EscapeHTML(seg.Value(source)))
			}
			return ast.WalkContinue, nil
		}
		if b.HasClosure() {
			w.Write(util.EscapeHTML(b.ClosureLine.Value(source)))
		}
		w.WriteString("</p>\n")
		return ast.WalkContinue, nil
	})
}
