package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report/funder"
)

// The funder report: a page in the reader's language with a chart and a
// table per section, and the same report as PDF, CSV and XLSX in the
// program's language, for the program's coordinators and administrators.

func (s *Server) reportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/report", s.requireUser(s.reportPage))
	mux.HandleFunc("GET /programs/{id}/report.pdf", s.requireUser(s.reportPDF))
	mux.HandleFunc("GET /programs/{id}/report.csv", s.requireUser(s.reportCSV))
	mux.HandleFunc("GET /programs/{id}/report.xlsx", s.requireUser(s.reportXLSX))
	mux.HandleFunc("GET /programs/{id}/export/evaluations.csv", s.requireUser(s.evaluationsCSV))
	mux.HandleFunc("GET /programs/{id}/export/evaluations.xlsx", s.requireUser(s.evaluationsXLSX))
}

type reportSection struct {
	funder.Section
	Chart *analyticsChart // nil when no count is shown as a number
}

type reportPageData struct {
	Program  *program.Program
	Report   *funder.Report
	Sections []reportSection
	From, To string // the dates in the form, as typed
	Query    string // from and to for the download links, "" by default
	Fewer    string
}

// programLocale is the program's language with its role words: the
// language a document for the program's funder is written in.
func (s *Server) programLocale(prog *program.Program) *i18n.Locale {
	return s.Bundle.Locale(prog.DefaultLanguage).WithRoles(prog.Roles[prog.DefaultLanguage])
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, err := funder.Authorize(r.Context(), s.DB, httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	l := s.withProgramRoles(r, s.locale(r))
	d := reportPageData{Program: prog, Fewer: funder.Fewer(l)}
	rep, err := funder.Load(r.Context(), s.DB, httpx.User(r), id, from, to,
		func(*program.Program) *i18n.Locale { return l }, s.Clock.Now(), s.ReportSources, "")
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		// A date the reader mistyped: the form again with what they typed
		// and why, and no report until it reads.
		d.From, d.To = from, to
		p := s.newPage(w, r, d)
		p.Form = q
		p.Errors = map[string]string{}
		for f, m := range e.Fields {
			p.Errors[f] = p.L.Msg(m.Key, m.Args)
		}
		if len(e.Fields) == 0 {
			p.Errors["to"] = p.L.Msg(e.Key, e.Args)
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "report_program", p)
		return
	}
	d.Report = rep
	d.From, d.To = rep.Period.From.Format("2006-01-02"), rep.LastDay().Format("2006-01-02")
	if from != "" || to != "" {
		d.Query = "?" + url.Values{"from": {d.From}, "to": {d.To}}.Encode()
	}
	d.Sections = reportSections(l, rep)
	s.render(w, r, http.StatusOK, "report_program", d)
}

// reportSections draws a chart of every section's counts shown as numbers;
// the table under it lists every line, suppressed ones included.
func reportSections(l *i18n.Locale, rep *funder.Report) []reportSection {
	out := make([]reportSection, len(rep.Sections))
	for i, sec := range rep.Sections {
		out[i] = reportSection{Section: sec}
		c := dashboard.Chart{ID: "chart-" + sec.ID, Title: sec.Title, Desc: sec.Note,
			Series: []string{l.T("report.col.count")}, Format: func(f float64) string { return l.Decimal(f, 0) }}
		for _, cell := range sec.Cells {
			if !cell.Hidden && !cell.Total {
				c.Bars = append(c.Bars, dashboard.Bar{Label: cell.Label, Values: []float64{float64(cell.N)}})
			}
		}
		if c.Max() > 0 {
			charts := chartsWithTables([]dashboard.Chart{c})
			out[i].Chart = &charts[0]
		}
	}
	return out
}

// sendReport answers with the report of the program in the path as a file
// in the program's language, recorded in the audit log.
func (s *Server) sendReport(w http.ResponseWriter, r *http.Request, ext, contentType string,
	write func(io.Writer, *funder.Report, *i18n.Locale) error) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	var l *i18n.Locale
	rep, err := funder.Load(r.Context(), s.DB, httpx.User(r), id, q.Get("from"), q.Get("to"),
		func(p *program.Program) *i18n.Locale { l = s.programLocale(p); return l }, s.Clock.Now(), s.ReportSources, "report."+ext)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, rep, l); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, contentType, rep.FileName(ext), buf.Bytes())
}

// sendFile writes a finished download, built in memory so that a failure
// half-way answers with an error and not with a cut-off file.
func sendFile(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	s.sendReport(w, r, "pdf", funder.TypePDF, funder.WritePDF)
}

func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) {
	s.sendReport(w, r, "csv", funder.TypeCSV, funder.WriteCSV)
}

func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request) {
	s.sendReport(w, r, "xlsx", funder.TypeXLSX, funder.WriteXLSX)
}

func (s *Server) evaluationsCSV(w http.ResponseWriter, r *http.Request) {
	s.sendResults(w, r, "csv", funder.TypeCSV, funder.WriteResultsCSV)
}

func (s *Server) evaluationsXLSX(w http.ResponseWriter, r *http.Request) {
	s.sendResults(w, r, "xlsx", funder.TypeXLSX, funder.WriteResultsXLSX)
}

// sendResults answers with the program's pooled evaluation results, as its
// results page shows them, in the reader's language (or the program's).
func (s *Server) sendResults(w http.ResponseWriter, r *http.Request, ext, contentType string,
	write func(io.Writer, []funder.ResultRow, *i18n.Locale) error) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, res, err := funder.Results(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now(), "evaluations."+ext)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.withProgramRoles(r, s.locale(s.withProgramLanguage(r, prog.DefaultLanguage)))
	var buf bytes.Buffer
	if err := write(&buf, funder.ResultRows(res, l), l); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, contentType, "program-"+strconv.FormatInt(id, 10)+"-evaluations."+ext, buf.Bytes())
}
