package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/goal"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

func (s *Server) goalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/goals", s.requireUser(s.goalList))
	mux.HandleFunc("POST /pairs/{id}/goals", s.requireUser(s.goalCreate))
	mux.HandleFunc("GET /pairs/{id}/goals/{goal}", s.requireUser(s.goalShow))
	mux.HandleFunc("POST /pairs/{id}/goals/{goal}", s.requireUser(s.goalUpdate))
	mux.HandleFunc("POST /pairs/{id}/goals/{goal}/subgoals", s.requireUser(s.goalCreateSub))
	mux.HandleFunc("POST /pairs/{id}/goals/{goal}/delete", s.requireUser(s.confirmFirst("goal_delete", s.mayDeleteGoal, s.goalDelete)))
	mux.HandleFunc("POST /pairs/{id}/goals/{goal}/meetings", s.requireUser(s.goalLinkMeeting))
	mux.HandleFunc("POST /pairs/{id}/goals/{goal}/meetings/{meeting}/unlink", s.requireUser(s.goalUnlinkMeeting))
}

func goalsPath(pairID int64) string { return fmt.Sprintf("/pairs/%d/goals", pairID) }

func goalPath(pairID, goalID int64) string { return fmt.Sprintf("/pairs/%d/goals/%d", pairID, goalID) }

// goalIDs reads the pair and goal ids from the path.
func goalIDs(r *http.Request) (pairID, goalID int64, err error) {
	return httpx.PathIDs(r, "id", "goal")
}

type goalListData struct {
	Pair  *program.Pair
	Goals []goal.Goal
	Today time.Time
}

// goalRow is what the goal_summary template shows for one goal.
type goalRow struct {
	Page  *Page
	Goal  goal.Goal
	Level int // heading level of the goal's title
	Today time.Time
}

// Row hands one goal to the goal_summary template with the page around it.
func (d *goalListData) Row(p *Page, g goal.Goal, level int) goalRow {
	return goalRow{Page: p, Goal: g, Level: level, Today: d.Today}
}

func (s *Server) goalListData(r *http.Request, pairID int64) (*goalListData, error) {
	p, gs, err := s.Goals.List(r.Context(), httpx.User(r), pairID)
	if err != nil {
		return nil, err
	}
	return &goalListData{Pair: p, Goals: gs, Today: s.Clock.Now()}, nil
}

func (s *Server) goalList(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.goalListData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "goal_list", d)
}

func (s *Server) goalCreate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := r.PostForm
	in := goal.Input{Title: f.Get("title"), Measure: f.Get("measure"), TargetDate: f.Get("target_date")}
	if v := f.Get("parent_id"); v != "" {
		if in.ParentID, err = strconv.ParseInt(v, 10, 64); err != nil {
			in.ParentID = -1 // names no goal: refused as an unknown parent
		}
	}
	g, err := s.Goals.Create(r.Context(), httpx.User(r), id, in)
	if err != nil {
		d, derr := s.goalListData(r, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "goal_list", d, httpx.RenameFields(err, map[string]string{"parent": "parent_id"}))
		return
	}
	s.redirect(w, r, goalPath(id, g.ID), "goal.created")
}

// goalPageData is the goal page: the goal, what points at it, its history.
type goalPageData struct {
	*goal.Detail
	Today    time.Time
	TodayISO string // the viewer's date, for overdue action items
}

// ItemOverdue reports whether a linked action item is overdue, by the rule
// the notes and the pair's home page use.
func (d goalPageData) ItemOverdue(i goal.LinkedItem) bool {
	return meeting.ActionOverdue(i.Status, i.Due, d.TodayISO)
}

// Change describes one history event as a sentence in the reader's language.
func (d goalPageData) Change(l *i18n.Locale, e goal.Event) string {
	who := e.UserName
	switch {
	case e.ByAgreement:
		who = l.T("goal.history.by_agreement")
	case who == "":
		who = l.T("goal.history.former_member")
	}
	date := func(v string) string {
		if t, err := program.ParseDate(v); err == nil {
			return l.Date(t)
		}
		return l.T("goal.no_target")
	}
	switch e.Field {
	case "created":
		return l.T("goal.history.created", "who", who)
	case "title":
		return l.T("goal.history.title", "who", who, "old", e.Old, "new", e.New)
	case "measure":
		if e.New == "" {
			return l.T("goal.history.measure_cleared", "who", who)
		}
		return l.T("goal.history.measure", "who", who, "new", e.New)
	case "target_date":
		return l.T("goal.history.target_date", "who", who, "old", date(e.Old), "new", date(e.New))
	case "status":
		return l.T("goal.history.status", "who", who, "old", l.T("goal.status."+e.Old), "new", l.T("goal.status."+e.New))
	case "progress":
		return l.T("goal.history.progress", "who", who, "old", e.Old, "new", e.New)
	case "parent":
		if e.New == "" {
			return l.T("goal.history.parent_none", "who", who)
		}
		return l.T("goal.history.parent", "who", who, "new", e.New)
	case "in_agreement":
		if e.New == "true" {
			return l.T("goal.history.back_in_agreement")
		}
		return l.T("goal.history.left_agreement")
	case "sub_goal":
		if e.New != "" {
			return l.T("goal.history.sub_goal_added", "who", who, "new", e.New)
		}
		return l.T("goal.history.sub_goal_removed", "who", who, "old", e.Old)
	}
	return e.Field
}

func (s *Server) goalPageData(r *http.Request, pairID, goalID int64) (*goalPageData, error) {
	d, err := s.Goals.Get(r.Context(), httpx.User(r), pairID, goalID)
	if err != nil {
		return nil, err
	}
	return &goalPageData{Detail: d, Today: s.Clock.Now(), TodayISO: s.today(r)}, nil
}

// goalValues fills the goal form with the goal as it is now.
func goalValues(g *goal.Goal) url.Values {
	return url.Values{
		"title": {g.Title}, "measure": {g.Measure}, "target_date": {g.TargetDate},
		"status": {g.Status}, "progress": {strconv.Itoa(g.OwnProgress)}, "version": {strconv.Itoa(g.Version)},
	}
}

func (s *Server) goalShow(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := goalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.goalPageData(r, pairID, goalID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, d)
	p.Form = goalValues(d.Goal)
	s.renderPage(w, r, http.StatusOK, "goal_show", p)
}

// goalFormError shows the goal page again after a refused change, with what
// the person typed over the goal's current values. When the goal changed
// underneath the form, their values stay but carry the current version, so
// that saving again after reading the page is a deliberate choice.
func (s *Server) goalFormError(w http.ResponseWriter, r *http.Request, pairID, goalID int64, err error) {
	d, derr := s.goalPageData(r, pairID, goalID)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	vals := goalValues(d.Goal)
	for k, v := range r.PostForm {
		vals[k] = v
	}
	if errs.Is(err, errs.Conflict) {
		vals.Set("version", strconv.Itoa(d.Goal.Version))
	}
	r.PostForm = vals
	s.renderForm(w, r, "goal_show", d, err)
}

// goalForm reads the pair and the goal a form posts to and parses the form;
// it answers a bad path itself.
func (s *Server) goalForm(w http.ResponseWriter, r *http.Request) (pairID, goalID int64, ok bool) {
	pairID, goalID, err := goalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	r.ParseForm()
	return pairID, goalID, true
}

func (s *Server) goalUpdate(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, ok := s.goalForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	in := goal.Update{Version: version}
	str := func(k string) *string {
		if !f.Has(k) {
			return nil
		}
		v := f.Get(k)
		return &v
	}
	in.Title, in.Measure, in.TargetDate, in.Status = str("title"), str("measure"), str("target_date"), str("status")
	if f.Has("progress") {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get("progress")))
		if err != nil {
			n = -1 // out of range: refused with the range message
		}
		in.Progress = &n
	}
	if _, err := s.Goals.Update(r.Context(), httpx.User(r), pairID, goalID, in); err != nil {
		s.goalFormError(w, r, pairID, goalID, err)
		return
	}
	s.redirect(w, r, goalPath(pairID, goalID), "goal.saved")
}

func (s *Server) goalCreateSub(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, ok := s.goalForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	in := goal.Input{ParentID: goalID, Title: f.Get("sub_title"), Measure: f.Get("sub_measure"), TargetDate: f.Get("sub_target_date")}
	if _, err := s.Goals.Create(r.Context(), httpx.User(r), pairID, in); err != nil {
		s.goalFormError(w, r, pairID, goalID, httpx.RenameFields(err, map[string]string{
			"title": "sub_title", "measure": "sub_measure", "target_date": "sub_target_date"}))
		return
	}
	s.redirect(w, r, goalPath(pairID, goalID), "goal.sub_goal_created")
}

func (s *Server) goalDelete(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, ok := s.goalForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if err := s.Goals.Delete(r.Context(), httpx.User(r), pairID, goalID, version); err != nil {
		s.goalFormError(w, r, pairID, goalID, err)
		return
	}
	s.redirect(w, r, goalsPath(pairID), "goal.deleted")
}

func (s *Server) goalLinkMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, ok := s.goalForm(w, r)
	if !ok {
		return
	}
	meetingID, _ := strconv.ParseInt(r.PostForm.Get("meeting_id"), 10, 64)
	if err := s.Goals.LinkMeeting(r.Context(), httpx.User(r), pairID, goalID, meetingID); err != nil {
		s.goalFormError(w, r, pairID, goalID, err)
		return
	}
	s.redirect(w, r, goalPath(pairID, goalID), "goal.meeting_linked")
}

func (s *Server) goalUnlinkMeeting(w http.ResponseWriter, r *http.Request) {
	pairID, goalID, err := goalIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meetingID, err := httpx.PathID(r, "meeting")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Goals.UnlinkMeeting(r.Context(), httpx.User(r), pairID, goalID, meetingID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, goalPath(pairID, goalID), "goal.meeting_unlinked")
}
