package web

import (
	"net/http"
	"net/url"
	"strconv"

	"mentorskap/internal/agreement"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/health"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (s *Server) dashboardRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/dashboard", s.requireUser(s.dashboardPage))
	mux.HandleFunc("POST /programs/{id}/dashboard/nudge", s.requireUser(s.dashboardNudge))
}

// dashboardData is a page of the dashboard with what its filter form offers.
type dashboardData struct {
	*dashboard.Result
	Filter     dashboard.Filter
	States     []string
	Severities []string
	Signals    []string
	Sorts      []string
	Launch     *launchView // the step that brings pairs, while there are none
	Nudges     []string    // the kinds of nudge the form offers
	Return     string      // this page, for the nudge form to come back to
	Chosen     []string    // pairs ticked before a refused nudge
}

// TabURL links to a tab of the dashboard; a tab starts unfiltered.
func (d dashboardData) TabURL(tab string) string {
	return "/programs/" + strconv.FormatInt(d.Program.ID, 10) + "/dashboard?tab=" + tab
}

// SeverityURL links to the pairs of one severity in the current tab.
func (d dashboardData) SeverityURL(sev string) string {
	return "/programs/" + strconv.FormatInt(d.Program.ID, 10) + "/dashboard?" +
		url.Values{"tab": {d.Filter.Tab}, "severity": {sev}}.Encode()
}

// PageURL links to another page of the same filtered list.
func (d dashboardData) PageURL(n int) string {
	v := url.Values{}
	for k, val := range map[string]string{"tab": d.Filter.Tab, "state": d.Filter.State, "severity": d.Filter.Severity,
		"signal": d.Filter.Signal, "q": d.Filter.Search, "sort": d.Filter.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	v.Set("page", strconv.Itoa(n))
	return "/programs/" + strconv.FormatInt(d.Program.ID, 10) + "/dashboard?" + v.Encode()
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	s.showDashboard(w, r, r.URL.Query(), nil)
}

// showDashboard renders the dashboard filtered by q; after a refused
// nudge, with the nudge's problem and the pairs still ticked.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, q url.Values, nudgeErr error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, ferr := dashboard.FilterFromQuery(q)
	if ferr != nil {
		// A filter we cannot read shows the whole list with the problem
		// marked at its control, so the coordinator can correct it.
		f = dashboard.Filter{}
	}
	// The page opens on the running pairs; ended ones have their own tab.
	// An "ended" agreement state only exists in the ended tab.
	if f.State == agreement.StateEnded {
		f.Tab = dashboard.TabEnded
	}
	if f.Tab == "" {
		f.Tab = dashboard.TabActive
	}
	res, err := dashboard.ForCoordinator(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, res.Program.DefaultLanguage)
	severities := []string{health.Critical.String(), health.Warning.String(), health.Info.String(), health.OK.String()}
	states := dashboard.States
	if f.Tab == dashboard.TabActive {
		states = states[:len(states)-1] // every state but ended
	}
	d := dashboardData{Result: res, Filter: f, States: states, Severities: severities,
		Signals: health.Codes, Sorts: dashboard.Sorts}
	if res.AllPairs == 0 {
		if d.Launch, err = s.launch(r, res.Program); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d.Nudges = meeting.NudgeKinds
	d.Return = "/programs/" + strconv.FormatInt(id, 10) + "/dashboard?" + q.Encode()
	p := s.newPage(w, r, d)
	p.Form = q
	code := http.StatusOK
	if e, ok := errs.As(ferr); ok {
		code = http.StatusUnprocessableEntity
		p.Error = p.L.T("dashboard.error.filter")
		p.Errors = map[string]string{}
		for field, m := range e.Fields {
			p.Errors[field] = p.L.Msg(m.Key, m.Args)
		}
	}
	if nudgeErr != nil {
		e, _ := errs.As(nudgeErr)
		code = http.StatusUnprocessableEntity
		if e != nil && e.Kind == errs.Conflict {
			code = http.StatusConflict
		}
		p.Errors = map[string]string{}
		if e != nil {
			p.Error = p.L.Msg(e.Key, e.Args)
			for field, m := range e.Fields {
				p.Errors["nudge_"+field] = p.L.Msg(m.Key, m.Args)
			}
		}
		d.Chosen = r.PostForm["pair"]
		p.Data = d
	}
	s.renderPage(w, r, code, "dashboard_list", p)
}

// dashboardNudge sends the chosen kind of nudge to the ticked pairs and
// goes back to the same filtered page of the dashboard.
func (s *Server) dashboardNudge(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	// Back to the page the form was on; its filter is the query string of
	// a dashboard link, never somewhere else.
	back, _ := url.Parse(r.PostForm.Get("return"))
	q := url.Values{}
	if back != nil && back.Path == "/programs/"+strconv.FormatInt(id, 10)+"/dashboard" {
		q = back.Query()
	}
	res, err := s.Meetings.Nudge(r.Context(), httpx.User(r), id, formIDs(r.PostForm["pair"]), r.PostForm.Get("kind"))
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
			s.fail(w, r, err)
			return
		}
		s.showDashboard(w, r, q, err)
		return
	}
	flash := "nudge.sent_flash"
	if len(res.Skipped) > 0 {
		flash = "nudge.sent_skipped_flash"
	}
	s.redirect(w, r, "/programs/"+strconv.FormatInt(id, 10)+"/dashboard?"+q.Encode(), flash)
}
