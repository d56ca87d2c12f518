package meeting

import (
	"context"
	"testing"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestDefaultPlansInEveryLanguage(t *testing.T) {
	t.Parallel()
	en := DefaultPlan("en")
	for _, lang := range i18n.Languages {
		p := DefaultPlan(lang)
		if p.Lang != lang || p.Custom() {
			t.Fatalf("%s: lang %q custom %v", lang, p.Lang, p.Custom())
		}
		if len(p.Themes) != 6 || len(p.Topics) != 14 || len(p.Activities) != 8 {
			t.Errorf("%s: %d themes, %d topics, %d activities", lang, len(p.Themes), len(p.Topics), len(p.Activities))
		}
		for _, kind := range PlanKinds {
			seen := map[string]bool{}
			for i, it := range p.List(kind) {
				if it.Title == "" || it.Description == "" {
					t.Errorf("%s %s %d: empty text", lang, kind, i)
				}
				if utf8.RuneCountInString(it.Title) > MaxPlanTitle || utf8.RuneCountInString(it.Description) > MaxPlanDescription {
					t.Errorf("%s %s %d: longer than a coordinator may write", lang, kind, i)
				}
				if seen[it.Title] {
					t.Errorf("%s %s: %q twice", lang, kind, it.Title)
				}
				seen[it.Title] = true
				if lang != "en" && len(en.List(kind)) == len(p.List(kind)) && en.List(kind)[i].Title == it.Title {
					t.Errorf("%s %s %d: still in English: %q", lang, kind, i, it.Title)
				}
			}
		}
	}
	if DefaultPlan("xx").Lang != "en" {
		t.Error("an unknown language should fall back to English")
	}
	// The defaults are copied out: changing one program's plan in memory
	// must not change what the next program starts from.
	p := DefaultPlan("sv")
	p.Themes[0].Title = "changed"
	if DefaultPlan("sv").Themes[0].Title == "changed" {
		t.Fatal("DefaultPlan hands out the shared defaults")
	}
}

func TestPlanStartsFromDefaultsAndCoordinatorEdits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		for _, lang := range i18n.Languages {
			_, p, err := f.svc.Plan(ctx, f.coord, f.prog.ID, lang)
			if err != nil {
				t.Fatal(err)
			}
			if p.Custom() || p.Themes[0].Title != DefaultPlan(lang).Themes[0].Title {
				t.Fatalf("%s: a new program should use the defaults, got %+v", lang, p.Themes[0])
			}
		}

		themes := []PlanItem{{Title: "  Hej och välkommen  ", Description: "Vi börjar"}, {Title: "Nästa steg"}}
		p, err := f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 0, map[string][]PlanItem{KindTheme: themes})
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 || len(p.Themes) != 2 || p.Themes[0].Title != "Hej och välkommen" {
			t.Fatalf("saved plan: %+v", p)
		}
		if len(p.Topics) != 14 || p.Topics[0] != DefaultPlan("sv").Topics[0] {
			t.Fatalf("lists not named in the save must be kept: %+v", p.Topics)
		}
		// Other languages are untouched.
		if en, _ := LoadPlan(ctx, db, f.prog.ID, "en"); en.Custom() {
			t.Fatal("saving Swedish changed English")
		}

		// Reorder and remove: the whole list is replaced in the order given.
		p, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 1, map[string][]PlanItem{
			KindTheme: {themes[1]}, KindActivity: {{Title: "Promenad"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 2 || len(p.Themes) != 1 || p.Themes[0].Title != "Nästa steg" || len(p.Activities) != 1 {
			t.Fatalf("second save: %+v", p)
		}

		// A save from an old version is refused and changes nothing.
		_, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 1, map[string][]PlanItem{KindTheme: {{Title: "Lost"}}})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale save: %v", err)
		}
		if p, _ := LoadPlan(ctx, db, f.prog.ID, "sv"); p.Version != 2 || p.Themes[0].Title != "Nästa steg" {
			t.Fatalf("stale save changed the plan: %+v", p)
		}
		_, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "en", 0, map[string][]PlanItem{KindTopic: {{Title: "A"}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SavePlan(ctx, f.admin, f.prog.ID, "en", 0, map[string][]PlanItem{KindTopic: {{Title: "B"}}})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("second first-save of a language: %v", err)
		}

		// Bad input names the field and changes nothing.
		_, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 2, map[string][]PlanItem{
			KindTopic: {{Title: "ok"}, {Title: " "}}, KindActivity: {{Title: string(make([]rune, MaxPlanTitle+1))}},
		})
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid || e.Fields["topic.1.title"].Key != "error.required" || e.Fields["activity.0.title"].Key != "error.too_long" {
			t.Fatalf("invalid save: %v", err)
		}
		tooMany := make([]PlanItem, MaxPlanItems+1)
		for i := range tooMany {
			tooMany[i].Title = "x"
		}
		if _, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 2, map[string][]PlanItem{KindTopic: tooMany}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("too many items: %v", err)
		}
		if _, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "sv", 2, map[string][]PlanItem{"chapter": {}}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown kind: %v", err)
		}
		if _, err = f.svc.SavePlan(ctx, f.coord, f.prog.ID, "fr", 0, map[string][]PlanItem{KindTheme: {{Title: "x"}}}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unsupported language: %v", err)
		}
		if p, _ := LoadPlan(ctx, db, f.prog.ID, "sv"); p.Version != 2 || len(p.Topics) != 14 {
			t.Fatalf("refused saves changed the plan: %+v", p)
		}

		// Reset goes back to the defaults.
		if err := f.svc.ResetPlan(ctx, f.coord, f.prog.ID, "sv"); err != nil {
			t.Fatal(err)
		}
		if p, _ := LoadPlan(ctx, db, f.prog.ID, "sv"); p.Custom() || len(p.Themes) != 6 {
			t.Fatalf("after reset: %+v", p)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM meeting_plan_items WHERE language = 'sv'`); n != 0 {
			t.Fatalf("reset left %d items", n)
		}
	})
}

func TestPlanForFallsBackToProgramLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		p, err := PlanFor(ctx, db, f.prog, "nb")
		if err != nil {
			t.Fatal(err)
		}
		if p.Lang != "nb" || p.Themes[0].Title != DefaultPlan("nb").Themes[0].Title {
			t.Fatalf("untouched program, Norwegian reader: %+v", p.Themes[0])
		}
		// The coordinator edits the program's own language (English): a
		// Norwegian reader now sees the program's plan, not the defaults.
		if _, err := f.svc.SavePlan(ctx, f.coord, f.prog.ID, "en", 0, map[string][]PlanItem{KindTheme: {{Title: "Our first meeting"}}}); err != nil {
			t.Fatal(err)
		}
		if p, _ = PlanFor(ctx, db, f.prog, "nb"); p.Lang != "en" || p.Themes[0].Title != "Our first meeting" {
			t.Fatalf("program language plan not used: %+v", p)
		}
		// Once Norwegian is edited too, Norwegian readers get it.
		if _, err := f.svc.SavePlan(ctx, f.coord, f.prog.ID, "nb", 0, map[string][]PlanItem{KindTheme: {{Title: "Første møte"}}}); err != nil {
			t.Fatal(err)
		}
		if p, _ = PlanFor(ctx, db, f.prog, "nb"); p.Lang != "nb" || p.Themes[0].Title != "Første møte" {
			t.Fatalf("reader's language plan not used: %+v", p)
		}
		if p, _ = PlanFor(ctx, db, f.prog, "xx"); p.Lang != "en" {
			t.Fatalf("unknown reader language: %+v", p)
		}
	})
}

func TestPlanOnlyForCoordinators(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		lists := map[string][]PlanItem{KindTheme: {{Title: "x"}}}
		cases := []struct {
			who  *account.User
			want errs.Kind
		}{
			{nil, errs.Unauthorized}, {f.mentor, errs.Forbidden}, {f.mentee, errs.Forbidden},
			{f.other, errs.Forbidden}, {f.foreign, errs.NotFound},
		}
		for _, c := range cases {
			if _, _, err := f.svc.Plan(ctx, c.who, f.prog.ID, "en"); !errs.Is(err, c.want) {
				t.Errorf("read by %v: %v, want kind %d", c.who, err, c.want)
			}
			if _, err := f.svc.SavePlan(ctx, c.who, f.prog.ID, "en", 0, lists); !errs.Is(err, c.want) {
				t.Errorf("save by %v: %v, want kind %d", c.who, err, c.want)
			}
			if err := f.svc.ResetPlan(ctx, c.who, f.prog.ID, "en"); !errs.Is(err, c.want) {
				t.Errorf("reset by %v: %v, want kind %d", c.who, err, c.want)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM meeting_plans`); n != 0 {
			t.Fatalf("refused saves wrote %d plans", n)
		}
		if _, err := f.svc.SavePlan(ctx, f.admin, f.prog.ID, "en", 0, lists); err != nil {
			t.Fatalf("administrator: %v", err)
		}
	})
}
