package web

import (
	"net/http"
	"net/url"

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
	mux.HandleFunc("GET /programs/{id}/report.pdf", s.requireUser(s.sendReport("pdf")))
	mux.HandleFunc("GET /programs/{id}/report.csv", s.requireUser(s.sendReport("csv")))
	mux.HandleFunc("GET /programs/{id}/report.xlsx", s.requireUser(s.sendReport("xlsx")))
	mux.HandleFunc("GET /programs/{id}/export/evaluations.csv", s.requireUser(s.sendResults("csv")))
	mux.HandleFunc("GET /programs/{id}/export/evaluations.xlsx", s.requireUser(s.sendResults("xlsx")))
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
// in the program's language (funder.ReportFile checks who asks and audits).
func (s *Server) sendReport(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ProgramPathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		d, err := funder.ReportFile(r.Context(), s.DB, httpx.User(r), id, q.Get("from"), q.Get("to"),
			s.programLocale, s.Clock.Now(), s.ReportSources, ext)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		httpx.SendFile(w, d.Type, d.Name, d.Body)
	}
}

// sendResults answers with the program's pooled evaluation results, as its
// results page shows them, in the reader's language (or the program's).
func (s *Server) sendResults(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ProgramPathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d, err := funder.ResultsFile(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now(), func(prog *program.Program) *i18n.Locale {
			return s.withProgramRoles(r, s.locale(s.withProgramLanguage(r, prog.DefaultLanguage)))
		}, ext)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		httpx.SendFile(w, d.Type, d.Name, d.Body)
	}
}
