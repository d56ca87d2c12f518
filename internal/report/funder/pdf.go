package funder

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"mentorskap/internal/agreement"
	"mentorskap/internal/i18n"
	"mentorskap/internal/report"
)

const (
	pdfFont   = "go"
	pdfMargin = 18.0
	pdfBottom = 22.0
)

// WritePDF writes the report as an A4 PDF in l's language (the program's,
// for a funder): each section as a table of lines and counts, with a bar
// beside each count drawn to the section's largest, and the suppression
// rule stated at the top. All text passes through the agreement copy's
// font fitting, so anything a coordinator typed prints.
func WritePDF(w io.Writer, r *Report, l *i18n.Locale) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("report: PDF: %v", v)
		}
	}()
	// The footer says "page x of n", known once laid out: lay out twice.
	f := layoutPDF(r, l, 0)
	if err := f.Error(); err != nil {
		return err
	}
	return layoutPDF(r, l, f.PageNo()).Output(w)
}

func layoutPDF(r *Report, l *i18n.Locale, pages int) *fpdf.Fpdf {
	t := agreement.PrintableText
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
	f.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfBottom)
	f.SetTitle(t(l.T("report.title")+" · "+r.Program.Name), true)
	f.SetSubject(t(r.PeriodLine(l)), true)
	f.SetCreator("Mentorskap", false)
	f.SetLang(l.Lang())
	f.SetCreationDate(r.Made)
	f.SetModificationDate(r.Made)
	pageW, pageH := f.GetPageSize()
	width := pageW - 2*pdfMargin
	f.SetFooterFunc(func() {
		f.SetY(-15)
		f.SetFont(pdfFont, "", 8)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(width*0.7, 4.5, t(r.Program.Name+" · "+r.PeriodLine(l)), "", 0, "L", false, 0, "")
		f.CellFormat(0, 4.5, t(l.T("copy.page", "page", f.PageNo(), "pages", pages)), "", 1, "R", false, 0, "")
	})
	text := func(style string, size, lineH float64, gray int, s string) {
		f.SetFont(pdfFont, style, size)
		f.SetTextColor(gray, gray, gray)
		f.MultiCell(0, lineH, t(s), "", "L", false)
	}
	keep := func(h float64) {
		if f.GetY()+h > pageH-pdfBottom {
			f.AddPage()
		}
	}
	f.AddPage()
	text("B", 20, 9, 20, l.T("report.title"))
	text("", 13, 6.5, 50, r.Program.Name)
	text("", 10.5, 5.5, 60, r.PeriodLine(l))
	text("", 9, 4.5, 100, l.T("report.made", "date", l.Date(r.Made)))
	f.Ln(2)
	text("", 9, 4.5, 100, l.T("report.suppression_note", "n", l.Int(report.Threshold)))
	f.Ln(4)
	labelW, countW := width*0.55, width*0.17
	barW := width - labelW - countW - 4
	for _, s := range r.Sections {
		keep(20 + 6*float64(min(len(s.Cells), 3)))
		text("B", 12.5, 6.5, 20, s.Title)
		if s.Note != "" {
			text("", 9, 4.5, 90, s.Note)
		}
		f.Ln(1.5)
		top := 0
		for _, c := range s.Cells {
			if !c.Hidden && !c.Total {
				top = max(top, c.N)
			}
		}
		for _, c := range s.Cells {
			keep(6)
			style := ""
			if c.Total {
				style = "B"
			}
			f.SetFont(pdfFont, style, 10)
			f.SetTextColor(30, 30, 30)
			y := f.GetY()
			label := t(c.Label)
			lines := f.SplitText(label, labelW-2)
			h := 5.5 * float64(max(len(lines), 1))
			f.SetDrawColor(220, 220, 220)
			f.MultiCell(labelW, 5.5, label, "B", "L", false)
			f.SetXY(pdfMargin+labelW, y)
			n := l.Int(c.N)
			if c.Hidden {
				n = Fewer(l)
			}
			f.CellFormat(countW, h, t(n), "B", 0, "R", false, 0, "")
			if !c.Hidden && !c.Total && top > 0 && c.N > 0 {
				f.SetFillColor(31, 111, 139)
				f.Rect(pdfMargin+labelW+countW+4, y+1.3, barW*float64(c.N)/float64(top), h-2.6, "F")
			}
			f.SetXY(pdfMargin, y+h)
		}
		if len(s.Cells) == 0 {
			text("", 10, 5, 110, l.T("report.empty"))
		}
		f.Ln(5)
	}
	return f
}
