package funder

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/report"
)

// The files carry exactly the report's sections as shown: a suppressed
// count is written as the words "fewer than 5", never as its number.

// Content types of the downloads.
const (
	TypeCSV  = "text/csv; charset=utf-8"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePDF  = "application/pdf"
)

// FileName is the download's name for a format ("csv", "xlsx", "pdf").
func (r *Report) FileName(ext string) string {
	return "program-" + strconv.FormatInt(r.Program.ID, 10) + "-report-" +
		r.Period.From.Format("2006-01-02") + "-" + r.LastDay().Format("2006-01-02") + "." + ext
}

// Fewer is how a suppressed count is written.
func Fewer(l *i18n.Locale) string { return l.T("report.fewer", "n", l.Int(report.Threshold)) }

// PeriodLine says the period in words.
func (r *Report) PeriodLine(l *i18n.Locale) string {
	return l.T("report.period", "from", l.Date(r.Period.From), "to", l.Date(r.LastDay()))
}

// WriteCSV writes the report as one line per count: section, line, count.
// Every cell is defused against spreadsheet formulas, as the other exports.
func WriteCSV(w io.Writer, r *Report, l *i18n.Locale) error {
	cw := csv.NewWriter(w)
	write := func(rec ...string) error {
		for i := range rec {
			rec[i] = dashboard.SafeCell(rec[i])
		}
		return cw.Write(rec)
	}
	if err := write(l.T("report.col.section"), l.T("report.col.line"), l.T("report.col.count")); err != nil {
		return err
	}
	for _, s := range r.Sections {
		for _, c := range s.Cells {
			n := strconv.Itoa(c.N)
			if c.Hidden {
				n = Fewer(l)
			}
			if err := write(s.Title, c.Label, n); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the report as one worksheet: a heading, then each
// section's title, note and lines with the counts as numbers.
func WriteXLSX(w io.Writer, r *Report, l *i18n.Locale) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("report.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	row := 0
	put := func(style int, values ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	head := [][]any{{l.T("report.title")}, {r.Program.Name}, {r.PeriodLine(l)}, {l.T("report.suppression_note", "n", l.Int(report.Threshold))}}
	for i, h := range head {
		style := 0
		if i == 0 {
			style = title
		}
		if err := put(style, h...); err != nil {
			return err
		}
	}
	for _, s := range r.Sections {
		row++
		if err := put(bold, s.Title); err != nil {
			return err
		}
		if s.Note != "" {
			if err := put(0, s.Note); err != nil {
				return err
			}
		}
		for _, c := range s.Cells {
			var v any = c.N
			if c.Hidden {
				v = Fewer(l)
			}
			if err := put(0, c.Label, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 60); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 16); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// ResultRow is one line of the evaluation results export: a check point,
// a question, one of its answers and how many chose it. Average rows carry
// the mean of a scale question; text rows one shared answer.
type ResultRow struct {
	Checkpoint, Question, Answer string
	Count                        int
	Average                      float64
	IsAverage, IsText            bool
}

// ResultRows lays out a program's pooled evaluation results as the results
// page shows them to its coordinators: per check point and question the
// answers chosen, the scale's average, the goals re-assessed, and the
// free-text answers only when the program shares them (Results.ShareText),
// sorted so that their order says nothing of who wrote them.
func ResultRows(res evaluation.Results, l *i18n.Locale) []ResultRow {
	var out []ResultRow
	for _, k := range res.Kinds {
		kind := l.T("analytics.checkpoint." + k.Kind)
		out = append(out, ResultRow{Checkpoint: kind, Answer: l.T("report.results.responses"), Count: k.Responses})
		for _, q := range k.Questions {
			text := q.In(l.Lang())
			row := func(answer string, n int) {
				out = append(out, ResultRow{Checkpoint: kind, Question: text.Prompt, Answer: answer, Count: n})
			}
			switch q.Type {
			case evaluation.TypeScale:
				for v, n := range q.Counts {
					row(l.Int(v+1), n)
				}
				if q.Count > 0 {
					out = append(out, ResultRow{Checkpoint: kind, Question: text.Prompt, Answer: l.T("analytics.eval.average"),
						Count: q.Count, Average: q.Average, IsAverage: true})
				}
			case evaluation.TypeYesNo:
				row(l.T("analytics.chemistry.yes"), q.Yes())
				row(l.T("analytics.chemistry.no"), q.No())
			case evaluation.TypeChoice:
				for j, n := range q.Counts {
					label := l.Int(j + 1)
					if j < len(text.Options) {
						label = text.Options[j]
					}
					row(label, n)
				}
			case evaluation.TypeText:
				row(l.T("report.results.text_answers"), q.Count)
				if res.ShareText {
					for _, t := range q.Texts {
						out = append(out, ResultRow{Checkpoint: kind, Question: text.Prompt, Answer: t, IsText: true})
					}
				}
			}
		}
		for _, st := range []string{"reached", "partly", "not_reached"} {
			if n, ok := k.Goals[st]; ok || k.Kind == evaluation.KindFinal {
				out = append(out, ResultRow{Checkpoint: kind, Question: l.T("analytics.eval.goals_title"),
					Answer: l.T("checkpoint.goal_status." + st), Count: n})
			}
		}
	}
	return out
}

func resultHead(l *i18n.Locale) []string {
	return []string{l.T("report.col.checkpoint"), l.T("report.col.question"), l.T("report.col.answer"),
		l.T("report.col.count"), l.T("analytics.eval.average")}
}

func (r ResultRow) values(l *i18n.Locale) []any {
	switch {
	case r.IsText:
		return []any{r.Checkpoint, r.Question, r.Answer}
	case r.IsAverage:
		return []any{r.Checkpoint, r.Question, r.Answer, r.Count, r.Average}
	}
	return []any{r.Checkpoint, r.Question, r.Answer, r.Count}
}

// WriteResultsCSV writes the evaluation results, defused against formulas.
func WriteResultsCSV(w io.Writer, rows []ResultRow, l *i18n.Locale) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(cells(resultHead(l))); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Checkpoint, r.Question, r.Answer, "", ""}
		if !r.IsText {
			rec[3] = strconv.Itoa(r.Count)
		}
		if r.IsAverage {
			rec[4] = strconv.FormatFloat(r.Average, 'f', 2, 64)
		}
		if err := cw.Write(cells(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cells(rec []string) []string {
	for i := range rec {
		rec[i] = dashboard.SafeCell(rec[i])
	}
	return rec
}

// WriteResultsXLSX writes the evaluation results as one worksheet.
func WriteResultsXLSX(w io.Writer, rows []ResultRow, l *i18n.Locale) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("report.results.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head := make([]any, 0, 5)
	for _, h := range resultHead(l) {
		head = append(head, h)
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		v := r.values(l)
		if err := f.SetSheetRow(sheet, cell, &v); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "C", 36); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
