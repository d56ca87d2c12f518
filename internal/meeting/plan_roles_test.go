package meeting

import (
	"strings"
	"testing"

	"mentorskap/internal/i18n"
)

// A program that calls its mentees "deltaker" sees that word in the default
// meeting plan and libraries too, not only in the catalog's texts.
func TestDefaultPlanSaysProgramRoles(t *testing.T) {
	t.Parallel()
	forms, ok := i18n.ParseRoleForms("nb", i18n.RoleMentee, "deltaker")
	if !ok {
		t.Fatal("deltaker not accepted")
	}
	p := DefaultPlan("nb")
	p.sayRoles(i18n.RoleWords{i18n.RoleMentee: forms})
	var all strings.Builder
	for _, list := range [][]PlanItem{p.Themes, p.Topics, p.Activities} {
		for _, it := range list {
			all.WriteString(it.Title + " " + it.Description + "\n")
		}
	}
	text := strings.ToLower(all.String())
	if strings.Contains(text, "adept") {
		t.Errorf("the default plan still says adept:\n%s", all.String())
	}
	if !strings.Contains(text, "deltakeren") {
		t.Errorf("the default plan never says deltakeren:\n%s", all.String())
	}
	// A program that keeps the default words gets the plan as written.
	q := DefaultPlan("nb")
	q.sayRoles(nil)
	if q.Themes[1] != DefaultPlan("nb").Themes[1] {
		t.Errorf("no role words changed the plan: %q", q.Themes[1])
	}
}
