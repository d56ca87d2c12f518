package main

import (
	"context"
	"fmt"
	"io"

	"mentorskap/internal/store"
)

// runMigrate applies the pending migrations, or with --status only lists
// them. serve migrates at start anyway; a separate step lets an upgrade
// with several instances migrate once before the new binaries start, and
// lets an operator see what an upgrade will change before it does.
func runMigrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("migrate", "migrate [--status] [--db mentorskap.db]", stdout, stderr)
	status := fs.Bool("status", false, "list every migration as applied or pending and change nothing")
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file, or a postgres:// URL (env MENTORSKAP_DB)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "mentorskap: migrate takes no arguments besides its flags")
		return 2
	}
	// Looking must not create: store.Open would make an empty SQLite file
	// for a mistyped path.
	ctx := context.Background()
	var db *store.DB
	if *status {
		var ok bool
		if db, ok = openExisting(ctx, *dsn, stderr); !ok {
			return 1
		}
	} else {
		var err error
		if db, err = store.Open(ctx, *dsn); err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return 1
		}
	}
	defer db.Close()
	before, err := db.Migrations(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	if *status {
		printMigrations(stdout, before)
		return 0
	}
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	after, err := db.Migrations(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	applied := 0
	for i, m := range after {
		if m.Applied && (i >= len(before) || !before[i].Applied) {
			fmt.Fprintf(stdout, "applied %04d %s\n", m.Version, m.Name)
			applied++
		}
	}
	fmt.Fprintf(stdout, "%d migrations applied now; the schema is at version %d\n", applied, schemaVersion(after))
	return 0
}

// printMigrations writes one line per migration and a count at the end.
func printMigrations(w io.Writer, ms []store.Migration) {
	pending, newer := 0, 0
	for _, m := range ms {
		state := "applied"
		switch {
		case !m.Applied:
			state = "pending"
			pending++
		case m.Newer:
			state = "applied, newer than this binary"
			newer++
		}
		fmt.Fprintf(w, "%04d  %-40s %s\n", m.Version, m.Name, state)
	}
	fmt.Fprintf(w, "%d applied, %d pending; the schema is at version %d\n", len(ms)-pending, pending, schemaVersion(ms))
	if newer > 0 {
		fmt.Fprintf(w, "%d migrations come from a newer release than this one (%s): run that release\n", newer, version)
	}
}

// schemaVersion is the highest applied migration, 0 on an empty database.
func schemaVersion(ms []store.Migration) int {
	v := 0
	for _, m := range ms {
		if m.Applied {
			v = max(v, m.Version)
		}
	}
	return v
}
