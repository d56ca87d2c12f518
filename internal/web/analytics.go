package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

func (s *Server) analyticsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/analytics", s.requireUser(s.analyticsPage))
	mux.HandleFunc("GET /programs/{id}/export/pairs.csv", s.requireUser(s.exportPairs))
	mux.HandleFunc("GET /programs/{id}/export/meetings.csv", s.requireUser(s.exportMeetings))
}

// analyticsChart is a chart with the same figures as a table, for readers
// who do not see the picture.
type analyticsChart struct {
	dashboard.Chart
	SVGMarkup template.HTML
	Rows      [][]string // label, then one formatted value per series
}

type analyticsPageData struct {
	Program      *program.Program
	A            *dashboard.Analytics
	Charts       []analyticsChart
	MedianDays   string
	ChemistryAny bool
	Launch       *launchView // the step that gives the page figures, before any pair exists
}

func (s *Server) analyticsPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, a, err := dashboard.Load(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, prog.DefaultLanguage)
	l := s.locale(r)
	d := analyticsPageData{Program: prog, A: a, Charts: analyticsCharts(l, a), MedianDays: l.Decimal(a.FirstMeeting.MedianDays, 1)}
	if a.Pairs == 0 {
		if d.Launch, err = s.launch(r, prog); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "analytics_program", d)
}

// analyticsCharts draws a program's figures in the viewer's language.
func analyticsCharts(l *i18n.Locale, a *dashboard.Analytics) []analyticsChart {
	num := func(f float64) string { return l.Decimal(f, 0) }
	var charts []dashboard.Chart

	months := dashboard.Chart{ID: "chart-months", Title: l.T("analytics.months.title"), Desc: l.T("analytics.months.desc"),
		Series: []string{l.T("analytics.months.held"), l.T("analytics.months.cancelled")}, Format: num}
	for _, m := range a.Months {
		months.Bars = append(months.Bars, dashboard.Bar{Label: monthLabel(l, m.Month), Values: []float64{float64(m.Held), float64(m.Cancelled)}})
	}
	charts = append(charts, months)

	states := dashboard.Chart{ID: "chart-states", Title: l.T("analytics.states.title"), Desc: l.T("analytics.states.desc"),
		Series: []string{l.T("analytics.states.pairs")}, Format: num}
	for _, st := range a.PairStates {
		states.Bars = append(states.Bars, dashboard.Bar{Label: l.T("analytics.state." + st.State), Values: []float64{float64(st.Count)}})
	}
	charts = append(charts, states)

	charts = append(charts, dashboard.Chart{ID: "chart-goals", Title: l.T("analytics.goals.title"), Desc: l.T("analytics.goals.desc"),
		Series: []string{l.T("analytics.goals.goals")}, Format: num, Bars: []dashboard.Bar{
			{Label: l.T("analytics.goals.reached"), Values: []float64{float64(a.Goals.Reached)}},
			{Label: l.T("analytics.goals.open"), Values: []float64{float64(a.Goals.Open)}},
			{Label: l.T("analytics.goals.dropped"), Values: []float64{float64(a.Goals.Dropped)}},
		}})

	charts = append(charts, dashboard.Chart{ID: "chart-chemistry", Title: l.T("analytics.chemistry.title"), Desc: l.T("analytics.chemistry.desc"),
		Series: []string{l.T("analytics.chemistry.answers")}, Format: num, Bars: []dashboard.Bar{
			{Label: l.T("analytics.chemistry.yes"), Values: []float64{float64(a.Chemistry.Yes)}},
			{Label: l.T("analytics.chemistry.unsure"), Values: []float64{float64(a.Chemistry.Unsure)}},
			{Label: l.T("analytics.chemistry.no"), Values: []float64{float64(a.Chemistry.No)}},
		}})

	checks := dashboard.Chart{ID: "chart-checkpoints", Title: l.T("analytics.checkpoints.title"), Desc: l.T("analytics.checkpoints.desc"),
		Series: []string{l.T("analytics.checkpoints.answered"), l.T("analytics.checkpoints.missing")}, Format: num}
	for _, c := range a.Checkpoints {
		checks.Bars = append(checks.Bars, dashboard.Bar{Label: l.T("analytics.checkpoint." + c.Kind),
			Values: []float64{float64(c.Answered), float64(c.Expected - c.Answered)}})
	}
	charts = append(charts, checks)

	first := dashboard.Chart{ID: "chart-first", Title: l.T("analytics.first.title"),
		Desc:   l.T("analytics.first.desc", "median", l.Decimal(a.FirstMeeting.MedianDays, 1)),
		Series: []string{l.T("analytics.first.pairs")}, Format: num, Histogram: true}
	lower := 0
	for i, n := range a.FirstMeeting.Buckets {
		label := l.T("analytics.first.more", "days", l.Int(lower))
		if i < len(dashboard.FirstMeetingBuckets) {
			upper := dashboard.FirstMeetingBuckets[i]
			label = l.T("analytics.first.range", "from", l.Int(lower), "to", l.Int(upper))
			lower = upper + 1
		}
		first.Bars = append(first.Bars, dashboard.Bar{Label: label, Values: []float64{float64(n)}})
	}
	charts = append(charts, first)

	charts = append(charts, evaluationCharts(l, a.Evaluation)...)

	return chartsWithTables(charts)
}

// chartsWithTables draws each chart and writes out its data table, the
// text alternative under every chart.
func chartsWithTables(charts []dashboard.Chart) []analyticsChart {
	out := make([]analyticsChart, len(charts))
	for i, c := range charts {
		out[i] = analyticsChart{Chart: c, SVGMarkup: c.SVG()}
		for _, b := range c.Bars {
			row := []string{b.Label}
			if b.Name != "" {
				row[0] = b.Label + ": " + b.Name
			}
			for _, v := range b.Values {
				row = append(row, c.Format(v))
			}
			out[i].Rows = append(out[i].Rows, row)
		}
	}
	return out
}

// evaluationCharts draws, per check point, the average of each scale
// question, the yes and no answers of each yes/no question, the answers
// chosen of each choice question and, for the final evaluation, how the
// goals were judged. Scale and yes/no questions are numbered in the picture
// and written out in its table.
func evaluationCharts(l *i18n.Locale, res evaluation.Results) []dashboard.Chart {
	num := func(f float64) string { return l.Decimal(f, 0) }
	avg := func(f float64) string { return l.Decimal(f, 1) }
	var out []dashboard.Chart
	for _, k := range res.Kinds {
		kind := l.T("analytics.checkpoint." + k.Kind)
		scale := dashboard.Chart{ID: "chart-eval-" + k.Kind + "-scale", Title: l.T("analytics.eval.scale_title", "checkpoint", kind),
			Desc: l.T("analytics.eval.scale_desc"), Series: []string{l.T("analytics.eval.average")}, Format: avg}
		yesNo := dashboard.Chart{ID: "chart-eval-" + k.Kind + "-yesno", Title: l.T("analytics.eval.yesno_title", "checkpoint", kind),
			Desc: l.T("analytics.eval.yesno_desc"), Series: []string{l.T("analytics.chemistry.yes"), l.T("analytics.chemistry.no")}, Format: num}
		for i, q := range k.Questions {
			short := l.T("analytics.eval.question", "n", l.Int(i+1))
			// The table names the question in full with how many answered it.
			prompt := q.In(l.Lang()).Prompt + " (" + l.N("results.n", q.Count) + ")"
			switch q.Type {
			case evaluation.TypeScale:
				scale.Bars = append(scale.Bars, dashboard.Bar{Label: short, Name: prompt, Values: []float64{q.Average}})
			case evaluation.TypeYesNo:
				yesNo.Bars = append(yesNo.Bars, dashboard.Bar{Label: short, Name: prompt, Values: []float64{float64(q.Yes()), float64(q.No())}})
			}
		}
		charts := []dashboard.Chart{scale, yesNo}
		// A choice question's options are its own, so each gets a chart.
		for i, q := range k.Questions {
			if q.Type != evaluation.TypeChoice || q.Count == 0 {
				continue
			}
			text := q.In(l.Lang())
			c := dashboard.Chart{ID: fmt.Sprintf("chart-eval-%s-choice-%d", k.Kind, i+1),
				Title: l.T("analytics.eval.choice_title", "checkpoint", kind, "question", text.Prompt),
				Desc:  l.T("analytics.eval.choice_desc"), Series: []string{l.T("analytics.eval.chosen")}, Format: num}
			for j, n := range q.Counts {
				label := l.Int(j + 1)
				if j < len(text.Options) {
					label = text.Options[j]
				}
				c.Bars = append(c.Bars, dashboard.Bar{Label: label, Values: []float64{float64(n)}})
			}
			charts = append(charts, c)
		}
		if k.Kind == evaluation.KindFinal && len(k.Goals) > 0 {
			c := dashboard.Chart{ID: "chart-eval-final-goals", Title: l.T("analytics.eval.goals_title"),
				Desc: l.T("analytics.eval.goals_desc"), Series: []string{l.T("analytics.eval.goals")}, Format: num}
			for _, st := range []string{"reached", "partly", "not_reached"} {
				c.Bars = append(c.Bars, dashboard.Bar{Label: l.T("checkpoint.goal_status." + st), Values: []float64{float64(k.Goals[st])}})
			}
			charts = append(charts, c)
		}
		for _, c := range charts {
			if len(c.Bars) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// monthLabel writes YYYY-MM as the locale's short month and year.
func monthLabel(l *i18n.Locale, ym string) string {
	y, m := ym, 0
	if len(ym) == 7 {
		y = ym[:4]
		m, _ = strconv.Atoi(ym[5:])
	}
	if m < 1 || m > 12 {
		return ym
	}
	return l.T("analytics.month."+strconv.Itoa(m)) + " " + y[2:]
}

// exportLabels are the export's column names and values in the viewer's
// language.
func exportLabels(l *i18n.Locale) dashboard.Labels {
	return dashboard.Labels{
		Column: func(k string) string { return l.T("export.column." + k) },
		Value:  func(k string) string { return l.T("export.value." + k) },
	}
}

func (s *Server) exportPairs(w http.ResponseWriter, r *http.Request) {
	s.sendPairsCSV(w, r, false)
}

func (s *Server) exportMeetings(w http.ResponseWriter, r *http.Request) {
	s.sendMeetingsCSV(w, r, false)
}

// sendPairsCSV answers with the pairs export; codes says whether columns
// and values stay as codes (the API) or are translated (the pages).
func (s *Server) sendPairsCSV(w http.ResponseWriter, r *http.Request, codes bool) {
	sendExport(s, w, r, codes, "pairs", dashboard.ExportPairs, dashboard.WritePairsCSV)
}

func (s *Server) sendMeetingsCSV(w http.ResponseWriter, r *http.Request, codes bool) {
	sendExport(s, w, r, codes, "meetings", dashboard.ExportMeetings, dashboard.WriteMeetingsCSV)
}

// sendExport answers with the export named name of the program in the
// path: export reads its rows (and records that it did), write writes them.
func sendExport[Row any](s *Server, w http.ResponseWriter, r *http.Request, codes bool, name string,
	export func(context.Context, *store.DB, *account.User, int64, time.Time) (*program.Program, []Row, error),
	write func(io.Writer, []Row, dashboard.Labels) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, rows, err := export(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	labels := dashboard.Codes
	if !codes {
		labels = exportLabels(s.locale(s.withProgramLanguage(r, prog.DefaultLanguage)))
	}
	var buf bytes.Buffer
	if err := write(&buf, rows, labels); err != nil {
		s.fail(w, r, err)
		return
	}
	sendCSV(w, "program-"+strconv.FormatInt(id, 10)+"-"+name+".csv", buf.Bytes())
}

// sendCSV writes a finished export. It is built in memory first so that a
// failure half-way answers with an error and not with a cut-off file.
func sendCSV(w http.ResponseWriter, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
