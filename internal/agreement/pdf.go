package agreement

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // a brand logo may be a JPEG
	"image/png"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// Copy is one signed version of a pair's agreement, loaded for someone who
// may keep a copy of it.
type Copy struct {
	View    *View
	Version *Version
	// Brand is the organisation the copy is filed by: its name, logo and
	// colour head the document. Nil prints the built-in brand.
	Brand *brand.Brand
	// Contacts are the program's coordinators, named on the copy as the
	// people to contact about the agreement.
	Contacts []Contact
}

// Contact is a coordinator as the copy names them.
type Contact struct {
	Name, Email string
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
	b, err := brand.WithLogo(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	coords, err := program.CoordinatorRecipients(ctx, s.DB, vw.Program)
	if err != nil {
		return nil, err
	}
	c := &Copy{View: vw, Version: v, Brand: b}
	for _, r := range coords {
		c.Contacts = append(c.Contacts, Contact{Name: r.Name, Email: r.Email})
	}
	return c, nil
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
	Org         string // the organisation filing the copy
	Logo        []byte // its logo as an 8-bit PNG, or nil
	Accent      [3]uint8
	Title       string
	Program     string
	Contact     string // "Contact person: …", or "" when the program has no coordinator
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
	Fingerprint string // the fingerprint line at the foot of every PDF page
	VerifyNote  string // where the PDF prints the fingerprint and what it is for
	// SignHeads are the signature table's column heads: name, role, time,
	// method.
	SignHeads [4]string
	// Unprintable is said at the top of a PDF in which some characters
	// could not be drawn (see pdfText).
	Unprintable string
}

// PrintedSignature is one signature as printed.
type PrintedSignature struct {
	Name, Role, Time, Method string
}

// Print lays the copy out for reader in their language l and time zone tz;
// now is when the copy is made.
func (c *Copy) Print(l *i18n.Locale, tz string, reader *account.User, now time.Time) *Printed {
	v := c.Version
	b := c.Brand
	if b == nil {
		b = brand.Default()
	}
	p := &Printed{
		Org:     b.Name,
		Logo:    pdfLogo(b),
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
		Footer:      b.Name + " · " + l.T("copy.footer", "program", c.View.Pair.ProgramName, "version", v.Number),
		Fingerprint: l.T("copy.fingerprint_line", "hash", v.Hash),
		VerifyNote:  l.T("copy.verify_note"),
		Unprintable: l.T("copy.unprintable"),
		SignHeads: [4]string{l.T("copy.col_name"), l.T("copy.col_role"), l.T("copy.col_time"),
			l.T("copy.col_method")},
	}
	p.Accent[0], p.Accent[1], p.Accent[2] = brand.RGB(b.Accent)
	if len(c.Contacts) > 0 {
		names := make([]string, len(c.Contacts))
		for i, ct := range c.Contacts {
			names[i] = ct.Name + " (" + ct.Email + ")"
		}
		p.Contact = l.T("copy.contact", "names", strings.Join(names, ", "))
	}
	for _, s := range v.Signatures {
		p.Signatures = append(p.Signatures, PrintedSignature{
			Name:   s.Name,
			Role:   l.T("program.role." + s.Side),
			Time:   l.DateTime(s.SignedAt, tz),
			Method: l.T("copy.method_typed", "name", s.TypedName),
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
	for _, s := range []*string{&q.Org, &q.Title, &q.Program, &q.Contact, &q.VersionLine, &q.NotBinding, &q.Empty, &q.SignTitle,
		&q.HashTitle, &q.Hash, &q.HashNote, &q.MadeFor, &q.Footer, &q.Fingerprint, &q.VerifyNote, &q.Unprintable,
		&q.SignHeads[0], &q.SignHeads[1], &q.SignHeads[2], &q.SignHeads[3]} {
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
		for _, t := range []*string{&s.Name, &s.Role, &s.Time, &s.Method} {
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
		f.SetY(-17)
		f.SetDrawColor(200, 200, 200)
		f.Line(pdfMargin, f.GetY(), pageW-pdfMargin, f.GetY())
		f.Ln(1)
		f.SetFont(pdfFont, "", 8)
		f.SetTextColor(110, 110, 110)
		page, _ := pdfText(l.T("copy.page", "page", f.PageNo(), "pages", pages))
		// The footer line is one line: a long program name is shortened
		// rather than run into the page number.
		room := pageW - 2*pdfMargin - f.GetStringWidth(page) - 4
		y := f.GetY()
		f.CellFormat(0, 4.5, shorten(f, p.Footer, room), "", 0, "L", false, 0, "")
		f.SetXY(pdfMargin, y)
		f.CellFormat(0, 4.5, page, "", 1, "R", false, 0, "")
		// The fingerprint on every page ties each page to the signed text.
		f.SetFont(pdfFont, "", 7)
		f.CellFormat(0, 4, shorten(f, p.Fingerprint, pageW-2*pdfMargin), "", 0, "L", false, 0, "")
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
	// Letterhead: the organisation's logo and name over a rule in its
	// colour.
	if p.Logo != nil {
		opt := fpdf.ImageOptions{ImageType: "PNG"}
		if info := f.RegisterImageOptionsReader("logo", opt, bytes.NewReader(p.Logo)); info != nil {
			// At most 12 mm high and 50 mm wide, keeping its shape.
			w, h := info.Extent()
			scale := min(12/h, 50/w)
			f.ImageOptions("logo", pdfMargin, pdfMargin, w*scale, h*scale, false, opt, 0, "")
			f.SetXY(pdfMargin+w*scale+4, pdfMargin+(h*scale-7)/2)
			f.SetFont(pdfFont, "B", 14)
			f.SetTextColor(20, 20, 20)
			f.CellFormat(0, 7, p.Org, "", 1, "L", false, 0, "")
			f.SetY(pdfMargin + max(h*scale, 7) + 2)
		}
	} else {
		text("B", 14, 7, 20, p.Org)
	}
	f.SetDrawColor(int(p.Accent[0]), int(p.Accent[1]), int(p.Accent[2]))
	f.SetLineWidth(0.8)
	f.Line(pdfMargin, f.GetY()+1, pageW-pdfMargin, f.GetY()+1)
	f.SetLineWidth(0.2)
	f.Ln(6)
	text("B", 20, 9, 20, p.Title)
	text("", 12, 6, 60, p.Program)
	if p.Contact != "" {
		text("", 10, 5, 60, p.Contact)
	}
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
	signatureTable(f, p, keep)
	f.Ln(4)
	keep(20)
	text("", 8.5, 4.3, 100, p.HashNote+" "+p.VerifyNote)
	f.Ln(3)
	text("", 8.5, 4.3, 100, p.MadeFor)
	return f
}

// signatureTable draws the signatures as a table: name, role, time and
// method, with the heads repeated when the table runs onto a new page.
func signatureTable(f *fpdf.Fpdf, p *Printed, keep func(float64)) {
	pageW, _ := f.GetPageSize()
	full := pageW - 2*pdfMargin
	widths := [4]float64{full * 0.27, full * 0.15, full * 0.24, full * 0.34}
	const lineH, pad = 4.6, 1.6
	row := func(cells [4]string, head bool) {
		style, size := "", 9.5
		if head {
			style, size = "B", 9
		}
		f.SetFont(pdfFont, style, size)
		lines := 1
		for i, c := range cells {
			lines = max(lines, len(f.SplitText(c, widths[i]-2*pad)))
		}
		h := float64(lines)*lineH + 2*pad
		keep(h)
		x, y := pdfMargin, f.GetY()
		if head {
			f.SetFillColor(236, 236, 236)
			f.Rect(x, y, full, h, "F")
		}
		f.SetDrawColor(190, 190, 190)
		f.Line(x, y+h, x+full, y+h)
		f.SetTextColor(20, 20, 20)
		for i, c := range cells {
			f.SetXY(x+pad, y+pad)
			f.MultiCell(widths[i]-2*pad, lineH, c, "", "L", false)
			x += widths[i]
		}
		f.SetXY(pdfMargin, y+h)
	}
	row(p.SignHeads, true)
	for _, s := range p.Signatures {
		row([4]string{s.Name, s.Role, s.Time, s.Method}, false)
	}
}

// pdfLogo is the brand's logo as an 8-bit, non-interlaced PNG, which is
// what the PDF writer can embed whatever the uploaded file was (a JPEG, a
// 16-bit or interlaced PNG). A logo that cannot be read is left out rather
// than failing the copy.
func pdfLogo(b *brand.Brand) []byte {
	if !b.HasLogo || len(b.Logo) == 0 {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b.Logo))
	if err != nil {
		return nil
	}
	rgba := image.NewNRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	var out bytes.Buffer
	if err := png.Encode(&out, rgba); err != nil {
		return nil
	}
	return out.Bytes()
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
