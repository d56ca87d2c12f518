package web

import (
	"net/http"

	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/report/funder"
)

func (s *Server) apiReportTable() []apiRoute {
	return []apiRoute{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report", Handler: s.apiReport},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.pdf", Handler: s.reportPDF},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.csv", Handler: s.reportCSV},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/report.xlsx", Handler: s.reportXLSX},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/evaluations.csv", Handler: s.evaluationsCSV},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/evaluations.xlsx", Handler: s.evaluationsXLSX},
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
	From      string             `json:"from"`
	To        string             `json:"to"`
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
	out := apiReport{ProgramID: r.Program.ID, From: r.Period.From.Format("2006-01-02"), To: r.LastDay().Format("2006-01-02"),
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

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	id, err := programPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	rep, err := funder.Load(r.Context(), s.DB, user(r), id, q.Get("from"), q.Get("to"),
		func(p *program.Program) *i18n.Locale { l := s.locale(r); return l.WithRoles(p.Roles[l.Lang()]) },
		s.Clock.Now(), s.ReportSources, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIReport(rep))
}
