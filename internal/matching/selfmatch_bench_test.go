package matching

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// BenchmarkSelfMatchFor measures one mentee opening their suggestions in
// a program of 2,000 approved mentors on SQLite: loading the cohort,
// scoring every mentor with room and explaining the best five.
func BenchmarkSelfMatchFor(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc := &Service{DB: db, Clock: clk}
	progs := &program.Service{DB: db, Clock: clk}
	coord, err := (&account.Service{DB: db, Clock: clk}).Create(ctx, account.NewUser{
		Email: "coord@example.org", Name: "Coordinator", Password: "long-enough-password", Role: account.RoleCoordinator,
	})
	if err != nil {
		b.Fatal(err)
	}
	st := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	st.Name = "Large cohort"
	prog, err := progs.Create(ctx, coord, st)
	if err != nil {
		b.Fatal(err)
	}
	set := DefaultSettings()
	set.SelfMatch = true
	if err := svc.SaveSettings(ctx, coord, prog.ID, set); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Public speaking", "Networking", "Salary negotiation", "Leadership", "Writing", "Data analysis",
		"Project management", "Job interviews", "Career change", "Starting a business"}
	pick := func(n int) string {
		var out []string
		for range n {
			out = append(out, words[rng.IntN(len(words))])
		}
		return strings.Join(out, "\n")
	}
	langs := []string{"en", "nb", "sv", "id", "en,nb", "en,sv"}
	fields := []string{"Engineering", "Health", "Education", "Finance", "Design"}
	var mentee *account.User
	err = db.Tx(ctx, func(tx *store.Tx) error {
		now := clk.Now()
		for i := range 2001 {
			role := "mentor"
			if i == 0 {
				role = "mentee"
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, language, created_at)
				VALUES (?, ?, 'x', 'member', 'en', ?) RETURNING id`, fmt.Sprintf("u%d@example.org", i), fmt.Sprintf("Person %d", i), now).Scan(&id); err != nil {
				return err
			}
			if i == 0 {
				mentee = &account.User{ID: id, Name: "Person 0", Role: account.RoleMember}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, languages, field,
				skills, needs, organisation, capacity, created_at, updated_at)
				VALUES (?, ?, ?, 'approved', ?, ?, ?, ?, ?, 2, ?, ?)`, prog.ID, id, role, langs[rng.IntN(len(langs))],
				fields[rng.IntN(len(fields))], pick(4), pick(3), fmt.Sprintf("Org %d", rng.IntN(300)), now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := svc.SelfMatchFor(ctx, mentee, prog.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(v.Suggestions) != set.Suggestions {
			b.Fatalf("%d suggestions", len(v.Suggestions))
		}
	}
}
