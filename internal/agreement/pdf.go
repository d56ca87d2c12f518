package agreement

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
)

// Copy is one signed version of a pair's agreement, loaded for someone who
// may keep a copy of it.
type Copy struct {
	View    *View
	Version *Version
}

// SignedCopy loads version number of the pair's agreement for a copy (PDF
// or printable page). Only a version both sides have signed has a copy. The
// pair's members may take one of every such version; a coordinator only
// when the agreement in force shares its text with the coordinators.
func (s *Service) SignedCopy(ctx context.Context, actor *account.User, pairID int64, number int) (*Copy, error) {
	vw, err := ViewAgreement(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	if vw.Viewer.Coordinator && !vw.Status.CoordinatorMaySee() {
		return nil, errs.E(errs.Forbidden, "copy.error.not_shared")
	}
	v, err := GetVersion(ctx, s.DB, pairID, number)
	if err != nil {
		return nil, err
	}
	if !v.Complete() {
		return nil, errs.E(errs.Conflict, "copy.error.not_signed", "version", v.Number)
	}
	if !vw.MayRead(v) {
		return nil, errs.E(errs.Forbidden, "copy.error.not_shared")
	}
	if !v.Intact {
		// A copy would show signatures under text they did not sign.
		return nil, errs.E(errs.Conflict, "copy.error.not_intact", "version", v.Number)
	}
	return &Copy{View: vw, Version: v}, nil
}

// FileName is an ASCII-only name for the PDF, safe in any
// Content-Disposition header and file system.
func (c *Copy) FileName() string { return CopyFileName(c.View.Pair.ID, c.Version.Number) }

// CopyFileName is the file name of the PDF of version number of the pair's
// agreement, also for naming a copy that could not be made.
func CopyFileName(pairID int64, number int) string {
	return "mentoring-agreement-" + strconv.FormatInt(pairID, 10) + "-v" + strconv.Itoa(number) + ".pdf"
}

// Printed is a copy with every text in the reader's language and every
// time in the reader's time zone: what the printable page and the PDF show,
// so that both say exactly the same.
type Printed struct {
	Title       string
	Program     string
	VersionLine string // "Version 3, in force since …"
	NotBinding  string
	Sections    []Section
	Empty       string // shown for a clause the pair left empty
	SignTitle   string
	Signatures  []PrintedSignature
	HashTitle   string
	Hash        string
	HashNote    string
	MadeFor     string // whom the copy was made for, and when
	Footer      string
	// Unprintable is said at the top of a PDF in which some characters
	// could not be drawn (see pdfText).
	Unprintable string
}

// PrintedSignature is one signature as printed.
type PrintedSignature struct {
	Side, Name, TypedName, SignedAt string
}

// Print lays the copy out for reader in their language l and time zone tz;
// now is when the copy is made.
func (c *Copy) Print(l *i18n.Locale, tz string, reader *account.User, now time.Time) *Printed {
	v := c.Version
	p := &Printed{
		Title:   l.T("copy.title"),
		Program: c.View.Pair.ProgramName,
		VersionLine: l.T("copy.version_line", "version", v.Number,
			"when", l.DateTime(v.ActiveSince(), tz)),
		NotBinding:  l.T("copy.not_binding"),
		Sections:    Sections(v.Content, l),
		Empty:       l.T("copy.empty"),
		SignTitle:   l.T("copy.signatures"),
		HashTitle:   l.T("copy.hash_title"),
		Hash:        v.Hash,
		HashNote:    l.T("copy.hash_note"),
		MadeFor:     l.T("copy.made_for", "name", reader.Name, "when", l.DateTime(now, tz)),
		Footer:      l.T("copy.footer", "program", c.View.Pair.ProgramName, "version", v.Number),
		Unprintable: l.T("copy.unprintable"),
	}
	for _, s := range v.Signatures {
		p.Signatures = append(p.Signatures, PrintedSignature{
			Side:      l.T("program.role." + s.Side),
			Name:      s.Name,
			TypedName: l.T("copy.signed_as", "name", s.TypedName),
			SignedAt:  l.T("copy.signed_at", "when", l.DateTime(s.SignedAt, tz)),
		})
	}
	return p
}

// pdfFont is the family name the Go fonts are registered under. They cover
// the Latin letters of all four languages (æ ø å ä ö é and the rest), and
// being embedded they print the same on every reader's machine. Other
// scripts and emoji are fitted to them by pdfText.
const pdfFont = "go"

// fitted is the copy with every text fitted to the fonts, and whether any
// of them lost something on the way.
func (p *Printed) fitted() (*Printed, bool) {
	q := *p
	changed := false
	fit := func(s *string) {
		var c bool
		*s, c = pdfText(*s)
		changed = changed || c
	}
	for _, s := range []*string{&q.Title, &q.Program, &q.VersionLine, &q.NotBinding, &q.Empty, &q.SignTitle,
		&q.HashTitle, &q.Hash, &q.HashNote, &q.MadeFor, &q.Footer, &q.Unprintable} {
		fit(s)
	}
	q.Footer = strings.ReplaceAll(q.Footer, "\n", " ") // the footer is one line
	q.Sections = make([]Section, len(p.Sections))
	for i, s := range p.Sections {
		fit(&s.Title)
		s.Items = slices.Clone(s.Items)
		for j := range s.Items {
			fit(&s.Items[j].Label)
			fit(&s.Items[j].Text)
		}
		q.Sections[i] = s
	}
	q.Signatures = slices.Clone(p.Signatures)
	for i := range q.Signatures {
		s := &q.Signatures[i]
		for _, t := range []*string{&s.Side, &s.Name, &s.TypedName, &s.SignedAt} {
			fit(t)
		}
	}
	return &q, changed
}

// A4 in millimetres, with the margins the copy uses.
const (
	pdfMargin = 20.0
	pdfBottom = 22.0
)

// WritePDF writes the printed copy as an A4 PDF: text wrapped to the page,
// a page number on every page, and the title in the document's metadata.
// fpdf escapes all text itself; nothing here builds PDF syntax by hand.
// Any text can be printed: what the fonts cannot draw is replaced visibly
// (see pdfText) and the copy says so at the top.
func WritePDF(w io.Writer, p *Printed, l *i18n.Locale, created time.Time) (err error) {
	defer func() {
		// fpdf indexes past the end of text it does not expect instead of
		// returning an error; that must be a failed copy, not a crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("agreement: PDF: %v", r)
		}
	}()
	p, replaced := p.fitted()
	// The footer counts the pages, known only once they are laid out: lay
	// out once to count, then again to write. fpdf's page-count alias
	// would also replace the same letters typed into a clause ("{nb}").
	f := layoutPDF(p, replaced, l, created, 0)
	if err := f.Error(); err != nil {
		return err
	}
	return layoutPDF(p, replaced, l, created, f.PageNo()).Output(w)
}

// layoutPDF lays the fitted copy out on pages, numbering them "of pages".
func layoutPDF(p *Printed, replaced bool, l *i18n.Locale, created time.Time, pages int) *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
	f.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfBottom)
	f.SetTitle(p.Title+" · "+p.Program, true)
	f.SetSubject(p.VersionLine, true)
	f.SetCreator("Mentorskap", false)
	f.SetLang(l.Lang())
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	pageW, pageH := f.GetPageSize()
	f.SetFooterFunc(func() {
		f.SetY(-15)
		f.SetFont(pdfFont, "", 8)
		f.SetTextColor(110, 110, 110)
		page, _ := pdfText(l.T("copy.page", "page", f.PageNo(), "pages", pages))
		// The footer is one line: a long program name is shortened
		// rather than run into the page number.
		room := pageW - 2*pdfMargin - f.GetStringWidth(page) - 4
		f.CellFormat(0, 5, shorten(f, p.Footer, room), "", 0, "L", false, 0, "")
		f.SetX(pdfMargin)
		f.CellFormat(0, 5, page, "", 0, "R", false, 0, "")
	})
	// keep starts a new page unless h millimetres fit, so that a heading
	// never ends a page alone.
	keep := func(h float64) {
		if f.GetY()+h > pageH-pdfBottom {
			f.AddPage()
		}
	}
	text := func(style string, size, lineH float64, gray int, s string) {
		f.SetFont(pdfFont, style, size)
		f.SetTextColor(gray, gray, gray)
		f.MultiCell(0, lineH, s, "", "L", false)
	}

	f.AddPage()
	text("B", 20, 9, 20, p.Title)
	text("", 12, 6, 60, p.Program)
	text("", 10, 5, 60, p.VersionLine)
	f.Ln(2)
	text("", 9, 4.5, 100, p.NotBinding)
	if replaced { // said before the first replacement, not after the last
		f.Ln(2)
		text("", 9, 4.5, 100, p.Unprintable)
	}
	f.Ln(4)
	for _, s := range p.Sections {
		keep(24)
		text("B", 13, 7, 20, s.Title)
		f.Ln(1)
		if len(s.Items) == 0 {
			text("", 10.5, 5.2, 120, p.Empty)
		}
		for _, it := range s.Items {
			keep(12)
			text("B", 9.5, 5, 70, it.Label)
			if it.Text == "" {
				text("", 10.5, 5.2, 120, p.Empty)
			} else {
				text("", 10.5, 5.2, 0, it.Text)
			}
			f.Ln(2)
		}
		f.Ln(3)
	}
	keep(40)
	text("B", 13, 7, 20, p.SignTitle)
	f.Ln(1)
	for _, s := range p.Signatures {
		keep(20)
		text("B", 10.5, 5.2, 0, s.Side+": "+s.Name)
		text("", 10, 5, 40, s.TypedName)
		text("", 10, 5, 40, s.SignedAt)
		f.Ln(3)
	}
	keep(30)
	text("B", 11, 6, 20, p.HashTitle)
	text("", 9.5, 5, 0, p.Hash)
	text("", 8.5, 4.3, 100, p.HashNote)
	f.Ln(4)
	text("", 8.5, 4.3, 100, p.MadeFor)
	return f
}

// shorten cuts s to at most width millimetres in the current font, ending
// it with "…" when cut.
func shorten(f *fpdf.Fpdf, s string, width float64) string {
	if f.GetStringWidth(s) <= width {
		return s
	}
	width -= f.GetStringWidth("…")
	used := 0.0
	for i, r := range s {
		used += f.GetStringWidth(string(r))
		if used > width {
			return s[:i] + "…"
		}
	}
	return s
}
