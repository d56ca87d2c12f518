package notify

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"mentorskap/internal/brand"
)

// The HTML part is made from the same text as the plain part, so the two
// never say different things: paragraphs stay paragraphs, the email's one
// action becomes a button in the brand's colour, other addresses become
// links. Everything is styled inline, because many mail clients drop a
// <style> element; the one <style> left holds only the dark-mode colours,
// which clients that cannot use it simply ignore (the light colours then
// still read well, and the accent passed its contrast check on save).

// logoCID is the Content-ID of the brand's logo embedded in an email.
const logoCID = "brand-logo@mentorskap"

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+`)

type htmlPara struct {
	Lines []template.HTML
	Quote bool // every line began with "> ": someone's own words, quoted
}

type htmlData struct {
	Lang, Subject string
	Brand         *brand.Brand
	Logo          bool
	Paras         []htmlPara
	Footer        []htmlPara
	Action        Action
	BeforeAction  int // how many paragraphs come before the button
	Accent        string
}

// Action is the one thing an email asks the reader to do: the link and
// the label of its button, in the recipient's language.
type Action struct {
	URL, Label string
}

var htmlTmpl = template.Must(template.New("email").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{{.Subject}}</title>
<style>
@media (prefers-color-scheme: dark) {
  .m-bg { background: #151a19 !important; }
  .m-card { background: #222a28 !important; color: #eef2f0 !important; border-left-color: #3a4543 !important; border-right-color: #3a4543 !important; border-bottom-color: #3a4543 !important; }
  .m-logo { background: #ffffff !important; padding: 4px !important; border-radius: 6px !important; }
  .m-quote { background: #2c3533 !important; color: #eef2f0 !important; }
  .m-ink { color: #eef2f0 !important; }
  .m-muted { color: #b7c2be !important; }
  .m-link { color: #9fd3cc !important; }
}
</style>
</head>
<body class="m-bg" style="margin:0;padding:0;background:#f4f2ed;">
<table role="presentation" class="m-bg" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f2ed;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;">
<tr><td style="padding:0 4px 16px 4px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;">
{{- if .Logo}}<img class="m-logo" src="cid:{{.LogoCID}}" alt="" height="40" style="height:40px;width:auto;max-width:200px;vertical-align:middle;border:0;margin-right:10px;">{{end -}}
<span class="m-ink" style="font-size:18px;font-weight:700;color:#1d2b2a;vertical-align:middle;">{{.Brand.Name}}</span>
</td></tr>
<tr><td class="m-card" style="background:#ffffff;border:1px solid #dcd8cf;border-top:4px solid {{.Accent}};border-radius:10px;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.55;color:#1d2b2a;">
{{- range $i, $p := .Paras}}
{{- if and $.Action.URL (eq $i $.BeforeAction)}}{{template "button" $}}{{end}}
{{if $p.Quote}}<blockquote class="m-quote" style="margin:0 0 16px 0;padding:12px 16px;border-left:4px solid {{$.Accent}};background:#f4f2ed;border-radius:0 8px 8px 0;font-style:italic;">{{range $j, $l := $p.Lines}}{{if $j}}<br>{{end}}{{$l}}{{end}}</blockquote>
{{- else}}<p style="margin:0 0 16px 0;">{{range $j, $l := $p.Lines}}{{if $j}}<br>{{end}}{{$l}}{{end}}</p>{{end}}
{{- end}}
{{- if and .Action.URL (eq .BeforeAction (len .Paras))}}{{template "button" .}}{{end}}
</td></tr>
<tr><td class="m-muted" style="padding:16px 8px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:13px;line-height:1.5;color:#56635f;">
{{- range .Footer}}<p style="margin:0 0 8px 0;">{{range $j, $l := .Lines}}{{if $j}}<br>{{end}}{{$l}}{{end}}</p>{{end -}}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
{{define "button"}}<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px 0;"><tr>
<td style="border-radius:8px;background:{{.Accent}};"><a href="{{.Action.URL}}" style="display:inline-block;padding:12px 22px;font-size:16px;font-weight:700;line-height:1.3;color:#ffffff;text-decoration:none;border-radius:8px;background:{{.Accent}};border:1px solid {{.Accent}};">{{.Action.Label}}</a></td>
</tr></table>
{{end}}`))

// LogoCID is exposed to the template; a method keeps it out of the data.
func (htmlData) LogoCID() string { return logoCID }

// RenderHTML makes the HTML part of m: the text body, laid out, with m's
// action as the button. The body's signature ("-- " line) becomes the
// footer. The line holding only the action's address is left out, as the
// button stands in for it.
func RenderHTML(m Message) string {
	b := m.Brand
	if b == nil {
		b = brand.Default()
	}
	d := htmlData{Lang: m.To.Lang, Subject: m.Subject, Brand: b, Logo: b.HasLogo && len(b.Logo) > 0,
		Action: m.Action, Accent: b.Accent, BeforeAction: -1}
	body, footer, _ := strings.Cut(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n-- \n")
	for _, block := range strings.Split(body, "\n\n") {
		var p htmlPara
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimRight(line, " ")
			if m.Action.URL != "" && strings.TrimSpace(line) == m.Action.URL && d.BeforeAction < 0 {
				// The button goes where the address stood: after the
				// lines before it, which usually say what it is for.
				if len(p.Lines) > 0 {
					d.Paras = append(d.Paras, p)
					p = htmlPara{}
				}
				d.BeforeAction = len(d.Paras)
				continue
			}
			p.Lines = append(p.Lines, linkify(line, b.Accent))
		}
		if len(p.Lines) > 0 {
			d.Paras = append(d.Paras, quoted(p, block))
		}
	}
	if m.Action.URL != "" && d.BeforeAction < 0 {
		// The address sits inside a sentence: keep the sentence as it is
		// and put the button after the first paragraph that names it.
		d.BeforeAction = len(d.Paras)
		for i, p := range d.Paras {
			if strings.Contains(joinLines(p), template.HTMLEscapeString(m.Action.URL)) {
				d.BeforeAction = i + 1
				break
			}
		}
	}
	for _, block := range strings.Split(strings.TrimSpace(footer), "\n\n") {
		if block == "" {
			continue
		}
		var p htmlPara
		for _, line := range strings.Split(block, "\n") {
			p.Lines = append(p.Lines, linkify(line, b.Accent))
		}
		d.Footer = append(d.Footer, p)
	}
	var buf bytes.Buffer
	if err := htmlTmpl.Execute(&buf, d); err != nil {
		// The template is fixed and the data plain strings: this cannot
		// happen short of a bug, and the text part still goes out.
		return ""
	}
	return buf.String()
}

// quoted marks a paragraph whose every line is quoted ("> ", as mail
// clients quote) and drops the marks: the HTML shows a quote block instead.
func quoted(p htmlPara, block string) htmlPara {
	for _, line := range strings.Split(block, "\n") {
		if !strings.HasPrefix(line, ">") {
			return p
		}
	}
	for i, l := range p.Lines {
		s := strings.TrimPrefix(string(l), "&gt;")
		p.Lines[i] = template.HTML(strings.TrimPrefix(s, " "))
	}
	p.Quote = true
	return p
}

// Quote marks every line of s as quoted, the way mail clients quote, so
// that the text part shows it as someone's own words and the HTML part as
// a quote block.
func Quote(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

func joinLines(p htmlPara) string {
	var b strings.Builder
	for _, l := range p.Lines {
		b.WriteString(string(l))
	}
	return b.String()
}

// linkify escapes a line of text and makes its web addresses links.
func linkify(line, accent string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range urlRE.FindAllStringIndex(line, -1) {
		u := strings.TrimRight(line[loc[0]:loc[1]], ".,;:!?)")
		end := loc[0] + len(u)
		b.WriteString(template.HTMLEscapeString(line[last:loc[0]]))
		b.WriteString(`<a class="m-link" href="` + template.HTMLEscapeString(u) + `" style="color:` + accent + `;word-break:break-all;">`)
		b.WriteString(template.HTMLEscapeString(u))
		b.WriteString("</a>")
		last = end
	}
	b.WriteString(template.HTMLEscapeString(line[last:]))
	return template.HTML(b.String())
}
