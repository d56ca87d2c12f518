package web

import (
	"net/http"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/program"
)

// launchView is a program's launch checklist with the page each step is
// taken on. The overview shows it whole; the empty pages (participants,
// matching, dashboard, analytics) show only the step that fills them.
type launchView struct {
	*dashboard.Launch
	ProgramID int64
}

// Path is the page where a step is taken.
func (v *launchView) Path(key string) string {
	base := programPath(v.ProgramID)
	switch key {
	case dashboard.StepRules:
		return base + "/edit"
	case dashboard.StepTemplate:
		return base + "/agreement-template"
	case dashboard.StepPlan:
		return base + "/meeting-plan"
	case dashboard.StepInvite:
		return base + "/invitations"
	case dashboard.StepApprove:
		return base + "/participants?status=pending"
	case dashboard.StepMatch, dashboard.StepPublish:
		return base + "/matching"
	case dashboard.StepFirstMeet:
		return base + "/dashboard"
	}
	return base
}

// Unblock names the step whose page moves s forward.
func (v *launchView) Unblock(s dashboard.Step) string { return dashboard.Unblock(s) }

// launch reads a program's checklist for its coordinators' pages.
func (s *Server) launch(r *http.Request, p *program.Program) (*launchView, error) {
	l, err := dashboard.LaunchOf(r.Context(), s.DB, p, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	return &launchView{Launch: l, ProgramID: p.ID}, nil
}
