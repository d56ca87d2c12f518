package api

import (
	"mentorskap/internal/httpx"
	"net/http"

	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/report/funder"
)

func (s *API) apiReportTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report", Handler: s.apiReport},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.pdf", Handler: s.sendReport("pdf")},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.csv", Handler: s.sendReport("csv")},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.xlsx", Handler: s.sendReport("xlsx")},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/evaluations.csv", Handler: s.sendResults("csv")},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/evaluations.xlsx", Handler: s.sendResults("xlsx")},
	}
}

type apiReportLine struct {
	Label      string `json:"label"`
	Count      *int   `json:"count"` // null when suppressed
	Suppressed bool   `json:"suppressed"`
	Total      bool   `json:"total"`
}

type apiReportSection struct {
	ID     string          `json:"id"`
	Title  string          `json:"title"`
	Note   string          `json:"note"`
	People bool            `json:"people"`
	Lines  []apiReportLine `json:"lines"`
}

type apiReportTotals struct {
	Enrolled     funder.Sides `json:"enrolled"`
	Approved     funder.Sides `json:"approved"`
	Matched      funder.Sides `json:"matched"`
	PairsRunning int          `json:"pairs_running"`
	EndedEarly   int          `json:"ended_early"`
	Finished     int          `json:"finished"`
	MinMeetings  int          `json:"min_meetings"`
	MeetingsHeld int          `json:"meetings_held"`
	Goals        int          `json:"goals"`
	GoalsReached int          `json:"goals_reached"`
}

type apiReport struct {
	ProgramID int64              `json:"program_id"`
	StartsOn  string             `json:"starts_on"` // the period's first day
	EndsOn    string             `json:"ends_on"`   // its last day, included
	Language  string             `json:"language"`
	Threshold int                `json:"threshold"`
	Totals    apiReportTotals    `json:"totals"`
	Sections  []apiReportSection `json:"sections"`
}

// toAPIReport writes the report for the API: the totals that count no one
// by a trait as figures, and every section as shown, suppressed lines with
// a null count.
func toAPIReport(r *funder.Report) apiReport {
	f := r.Figures
	out := apiReport{ProgramID: r.Program.ID, StartsOn: r.Period.From.Format("2006-01-02"), EndsOn: r.LastDay().Format("2006-01-02"),
		Language: r.Lang, Threshold: report.Threshold, Sections: []apiReportSection{},
		Totals: apiReportTotals{Enrolled: f.Enrolled, Approved: f.Approved, Matched: f.Matched, PairsRunning: f.ActivePairs,
			EndedEarly: f.EndedEarly, Finished: f.Finished, MinMeetings: f.MinMeetings, MeetingsHeld: f.MeetingsHeld,
			Goals: f.Goals, GoalsReached: f.GoalsReached}}
	for _, s := range r.Sections {
		sec := apiReportSection{ID: s.ID, Title: s.Title, Note: s.Note, People: s.People, Lines: []apiReportLine{}}
		for _, c := range s.Cells {
			line := apiReportLine{Label: c.Label, Suppressed: c.Hidden, Total: c.Total}
			if !c.Hidden {
				n := c.N
				line.Count = &n
			}
			sec.Lines = append(sec.Lines, line)
		}
		out.Sections = append(out.Sections, sec)
	}
	return out
}

func (s *API) apiReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	rep, err := funder.Load(r.Context(), s.DB, httpx.User(r), id, q.Get("from"), q.Get("to"),
		func(p *program.Program) *i18n.Locale { l := s.locale(r); return l.WithRoles(p.Roles[l.Lang()]) },
		s.Clock.Now(), s.ReportSources, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIReport(rep))
}

// programLocale is the program's language with its role words: the
// language a document for the program's funder is written in.
func (s *API) programLocale(prog *program.Program) *i18n.Locale {
	return s.Bundle.Locale(prog.DefaultLanguage).WithRoles(prog.Roles[prog.DefaultLanguage])
}

// sendReport answers with the report of the program in the path as a file
// in the program's language (funder.ReportFile checks who asks and audits).
func (s *API) sendReport(ext string) http.HandlerFunc {
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
func (s *API) sendResults(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.ProgramPathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d, err := funder.ResultsFile(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now(), func(prog *program.Program) *i18n.Locale {
			return s.locale(s.withProgramLanguage(r, prog.DefaultLanguage)) // API paths pass no role words through
		}, ext)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		httpx.SendFile(w, d.Type, d.Name, d.Body)
	}
}
