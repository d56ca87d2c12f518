package store

import "testing"

func TestWithPlannerDefaults(t *testing.T) {
	const defaults = "plan_cache_mode=force_generic_plan&random_page_cost=1.1"
	for dsn, want := range map[string]string{
		"postgres://u@h:5432/db?sslmode=disable":                      "postgres://u@h:5432/db?" + defaults + "&sslmode=disable",
		"postgres://u@h/db":                                           "postgres://u@h/db?" + defaults,
		"postgres://u@h/db?random_page_cost=4&sslmode=disable":        "postgres://u@h/db?plan_cache_mode=force_generic_plan&random_page_cost=4&sslmode=disable",
		"postgres://u@h/db?plan_cache_mode=auto":                      "postgres://u@h/db?plan_cache_mode=auto&random_page_cost=1.1",
		"postgresql://u:p%40ss@h/db?search_path=s&application_name=x": "postgresql://u:p%40ss@h/db?application_name=x&" + defaults + "&search_path=s",
	} {
		got, err := withPlannerDefaults(dsn)
		if err != nil || got != want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", dsn, got, err, want)
		}
	}
}
