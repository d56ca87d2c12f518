package meeting

import "testing"

// TestDefaultLibrariesCarryTheHandbook: every language offers the
// handbook's fourteen discussion topics and eight activities, each with a
// title and a description, none twice.
func TestDefaultLibrariesCarryTheHandbook(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "nb", "sv", "id"} {
		d := defaultPlans[lang]
		if len(d.Topics) != 14 || len(d.Activities) != 8 {
			t.Errorf("%s: %d topics and %d activities, want 14 and 8", lang, len(d.Topics), len(d.Activities))
		}
		seen := map[string]bool{}
		for _, items := range [][]PlanItem{d.Themes, d.Topics, d.Activities} {
			for _, it := range items {
				if it.Title == "" || it.Description == "" || seen[it.Title] {
					t.Errorf("%s: empty or repeated item %+v", lang, it)
				}
				seen[it.Title] = true
			}
		}
	}
}
