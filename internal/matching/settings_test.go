package matching

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// settingsEnv is a program with a coordinator, two mentees and two
// mentors, over a fresh database.
type settingsEnv struct {
	db                 *store.DB
	svc                *Service
	prog               *program.Program
	coord, admin       *account.User
	otherCoord, member *account.User
	mentees, mentors   []*account.User
}

func newSettingsEnv(t *testing.T, db *store.DB) *settingsEnv {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e := &settingsEnv{db: db, svc: &Service{DB: db, Clock: clk}}
	n := 0
	user := func(role string) *account.User {
		n++
		var u *account.User
		err := db.Tx(ctx, func(tx *store.Tx) (err error) {
			u, err = account.CreateUser(ctx, tx, clk.Now(), account.NewUser{
				Email: "s" + strconv.Itoa(n) + "@example.org", Name: "Person " + strconv.Itoa(n),
				Password: "long-enough-password", Role: role, Language: "en",
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.coord, e.admin, e.otherCoord = user(account.RoleCoordinator), user(account.RoleAdmin), user(account.RoleCoordinator)
	e.member = user(account.RoleMember)
	progs := &program.Service{DB: db, Clock: clk}
	create := func(c *account.User) *program.Program {
		s := program.SettingsOf(program.Defaults(clk.Now(), "en"))
		s.Name = "Cohort " + c.Name
		p, err := progs.Create(ctx, c, s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	e.prog = create(e.coord)
	create(e.otherCoord)
	enrol := func(role string) *account.User {
		u := user(account.RoleMember)
		now := clk.Now()
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?)`, e.prog.ID, u.ID, role, now, now); err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.mentees = []*account.User{enrol("mentee"), enrol("mentee")}
	e.mentors = []*account.User{enrol("mentor"), enrol("mentor")}
	return e
}

func fieldKey(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		t.Fatalf("error %v, want a validation error", err)
	}
	return e.Fields[field].Key
}

func TestSettingsDefaultsSaveAndLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newSettingsEnv(t, db)
		got, err := LoadSettings(ctx, db, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, DefaultSettings()) {
			t.Fatalf("a program without settings has %+v, want the defaults", got)
		}

		set := DefaultSettings()
		set.Weights[Skills], set.Weights[Language], set.Weights[Career] = 10, 0, 2
		set.RequireLanguage, set.SeparateOrganisations, set.SelfMatch = false, false, true
		set.UnmatchedPenalty, set.RequestDays, set.Suggestions = 80, 14, 3
		set.Excluded = []Exclusion{
			{MenteeID: e.mentees[0].ID, MentorID: e.mentors[1].ID},
			{MenteeID: e.mentees[0].ID, MentorID: e.mentors[1].ID}, // repeated: kept once
			{MenteeID: e.mentees[1].ID, MentorID: e.mentors[0].ID},
		}
		if err := e.svc.SaveSettings(ctx, e.coord, e.prog.ID, set); err != nil {
			t.Fatal(err)
		}
		_, got, err = e.svc.Settings(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		set.Excluded = []Exclusion{
			{MenteeID: e.mentees[0].ID, MentorID: e.mentors[1].ID, MenteeName: e.mentees[0].Name, MentorName: e.mentors[1].Name},
			{MenteeID: e.mentees[1].ID, MentorID: e.mentors[0].ID, MenteeName: e.mentees[1].Name, MentorName: e.mentors[0].Name},
		}
		if !reflect.DeepEqual(got, set) {
			t.Fatalf("loaded %+v\nwant %+v", got, set)
		}
		if !got.Excludes(e.mentees[1].ID, e.mentors[0].ID) || got.Excludes(e.mentors[0].ID, e.mentees[1].ID) {
			t.Fatal("Excludes disagrees with the list")
		}

		// Saving again replaces everything, the exclusions included.
		set.Excluded = nil
		set.Weights[Skills] = 4
		if err := e.svc.SaveSettings(ctx, e.admin, e.prog.ID, set); err != nil {
			t.Fatal(err)
		}
		got, _ = LoadSettings(ctx, db, e.prog.ID)
		if len(got.Excluded) != 0 || got.Weights[Skills] != 4 {
			t.Fatalf("after the second save: %+v", got)
		}
	})
}

func TestAddExclusion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newSettingsEnv(t, db)
		for range 2 { // twice: the second changes nothing
			err := db.Tx(ctx, func(tx *store.Tx) error {
				return AddExclusion(ctx, tx, e.prog.ID, e.mentees[0].ID, e.mentors[0].ID)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := LoadSettings(ctx, db, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Excluded) != 1 || !got.Excludes(e.mentees[0].ID, e.mentors[0].ID) {
			t.Fatalf("exclusions %+v", got.Excluded)
		}
		// The weights are still the defaults: an exclusion alone is not a
		// saved settings row.
		if !reflect.DeepEqual(got.Weights, DefaultSettings().Weights) {
			t.Fatalf("weights %v", got.Weights)
		}
	})
}

func TestBadSettingsChangeNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newSettingsEnv(t, db)
		saved := DefaultSettings()
		saved.Weights[Field] = 7
		if err := e.svc.SaveSettings(ctx, e.coord, e.prog.ID, saved); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, field, key string
			mod              func(s *Settings)
		}{
			{"weight above 10", "weight.skills", "score.error.weight_range", func(s *Settings) { s.Weights[Skills] = 11 }},
			{"negative weight", "weight.field", "score.error.weight_range", func(s *Settings) { s.Weights[Field] = -1 }},
			{"missing weight", "weight.career", "error.required", func(s *Settings) { delete(s.Weights, Career) }},
			{"unknown criterion", "weights", "score.error.unknown_criterion", func(s *Settings) { s.Weights["height"] = 3 }},
			{"penalty", "unmatched_penalty", "score.error.range", func(s *Settings) { s.UnmatchedPenalty = 101 }},
			{"request days", "request_days", "score.error.range", func(s *Settings) { s.RequestDays = 0 }},
			{"suggestions", "suggestions", "score.error.range", func(s *Settings) { s.Suggestions = 21 }},
			{"exclusion of a stranger", "excluded", "score.error.exclusion_people", func(s *Settings) {
				s.Excluded = []Exclusion{{MenteeID: e.member.ID, MentorID: e.mentors[0].ID}}
			}},
			{"exclusion with roles swapped", "excluded", "score.error.exclusion_people", func(s *Settings) {
				s.Excluded = []Exclusion{{MenteeID: e.mentors[0].ID, MentorID: e.mentees[0].ID}}
			}},
		}
		for _, tc := range cases {
			set := DefaultSettings()
			set.Weights[Field] = 1
			tc.mod(&set)
			err := e.svc.SaveSettings(ctx, e.coord, e.prog.ID, set)
			if got := fieldKey(t, err, tc.field); got != tc.key {
				t.Errorf("%s: field %s has %q, want %q", tc.name, tc.field, got, tc.key)
			}
			got, err := LoadSettings(ctx, db, e.prog.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, saved) {
				t.Errorf("%s: settings changed to %+v", tc.name, got)
			}
		}
	})
}

func TestSettingsAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newSettingsEnv(t, db)
		set := DefaultSettings()
		set.Weights[Interests] = 9
		for _, tc := range []struct {
			name  string
			actor *account.User
			want  errs.Kind
			ok    bool
		}{
			{"anonymous", nil, errs.Unauthorized, false},
			{"mentee", e.mentees[0], errs.Forbidden, false},
			{"mentor", e.mentors[0], errs.Forbidden, false},
			{"stranger", e.member, errs.NotFound, false},
			{"other program's coordinator", e.otherCoord, errs.NotFound, false},
			{"coordinator", e.coord, 0, true},
			{"administrator", e.admin, 0, true},
		} {
			_, _, rerr := e.svc.Settings(ctx, tc.actor, e.prog.ID)
			werr := e.svc.SaveSettings(ctx, tc.actor, e.prog.ID, set)
			if tc.ok {
				if rerr != nil || werr != nil {
					t.Errorf("%s: read %v, save %v", tc.name, rerr, werr)
				}
				continue
			}
			if errs.KindOf(rerr) != tc.want || errs.KindOf(werr) != tc.want {
				t.Errorf("%s: read %v, save %v, want kind %d", tc.name, rerr, werr, tc.want)
			}
			if got, _ := LoadSettings(ctx, db, e.prog.ID); got.Weights[Interests] == 9 {
				t.Fatalf("%s changed the settings", tc.name)
			}
		}
	})
}
