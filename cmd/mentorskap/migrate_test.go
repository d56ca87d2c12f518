package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestMigrateCommand takes a database an older release left at migration 10
// through "migrate --status" (lists, changes nothing), "migrate" (applies the
// rest) and a database a newer release has touched, on both engines.
func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dsns := map[string]string{"sqlite": filepath.Join(t.TempDir(), "old.db")}
	if pg := os.Getenv(storetest.EnvPostgres); pg != "" {
		u, drop := storetest.FreshSchema(t, pg)
		t.Cleanup(drop)
		dsns["postgres"] = u
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.MigrateTo(ctx, 10); err != nil {
				t.Fatal(err)
			}
			all, err := db.Migrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			latest := all[len(all)-1]
			pending := 0
			for _, m := range all {
				if m.Version > 10 {
					pending++
				}
			}

			code, out, errOut := runCLI(t, "", "migrate", "--status", "--db", dsn)
			if code != 0 {
				t.Fatalf("migrate --status: %d %q", code, errOut)
			}
			for _, want := range []string{
				fmt.Sprintf("%04d  %-40s applied", 1, "0001_foundation.sql"),
				fmt.Sprintf("%04d  %-40s applied", 10, "0010_goals.sql"),
				fmt.Sprintf("%04d  %-40s pending", 11, "0011_notes.sql"),
				fmt.Sprintf("%04d  %-40s pending", latest.Version, latest.Name),
				fmt.Sprintf("%d applied, %d pending; the schema is at version 10", len(all)-pending, pending),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("status lacks %q:\n%s", want, out)
				}
			}
			if again, _ := db.Migrations(ctx); again[len(again)-1].Applied {
				t.Fatal("migrate --status applied migrations")
			}

			code, out, errOut = runCLI(t, "", "migrate", "--db", dsn)
			if code != 0 {
				t.Fatalf("migrate: %d %q", code, errOut)
			}
			if !strings.Contains(out, "applied 0011 0011_notes.sql\n") || strings.Contains(out, "applied 0010") ||
				!strings.Contains(out, fmt.Sprintf("%d migrations applied now; the schema is at version %d", pending, latest.Version)) {
				t.Errorf("migrate output:\n%s", out)
			}
			_, out, _ = runCLI(t, "", "migrate", "--status", "--db", dsn)
			if strings.Contains(out, "pending\n") || !strings.Contains(out, fmt.Sprintf("%d applied, 0 pending", len(all))) {
				t.Errorf("status after migrate:\n%s", out)
			}
			if _, out, _ = runCLI(t, "", "migrate", "--db", dsn); !strings.Contains(out, "0 migrations applied now") {
				t.Errorf("second migrate:\n%s", out)
			}

			// A newer release ran here and then was rolled back.
			if _, err := db.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, 9999, "9999_future.sql"); err != nil {
				t.Fatal(err)
			}
			_, out, _ = runCLI(t, "", "migrate", "--status", "--db", dsn)
			if !regexp.MustCompile(`9999  9999_future.sql +applied, newer than this binary`).MatchString(out) ||
				!strings.Contains(out, "1 migrations come from a newer release") {
				t.Errorf("status with a newer migration:\n%s", out)
			}
		})
	}
}

func TestMigrateStatusOfAMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "typo.db")
	if code, _, errOut := runCLI(t, "", "migrate", "--status", "--db", path); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("status of a missing file: %d %q", code, errOut)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("migrate --status created the database")
	}
	if code, _, errOut := runCLI(t, "", "migrate", "extra", "--db", path); code != 2 {
		t.Fatalf("migrate with an argument: %d %q", code, errOut)
	}
}
