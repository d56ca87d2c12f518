package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mentorskap/internal/store"
)

// isPostgres matches what store.Open treats as a PostgreSQL URL.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openExisting opens a database that must exist already: store.Open would
// create an empty SQLite file for a mistyped path. It reports a failure to
// stderr.
func openExisting(ctx context.Context, dsn string, stderr io.Writer) (*store.DB, bool) {
	if !isPostgres(dsn) {
		if _, err := os.Stat(dsn); err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return nil, false
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return nil, false
	}
	return db, true
}

const pgDumpHint = `mentorskap backup and restore work on SQLite files. For PostgreSQL use its own tools, e.g.:
  pg_dump --format=custom --file mentorskap.dump "$MENTORSKAP_DB"
  pg_restore --clean --if-exists --no-owner --dbname "$MENTORSKAP_DB" mentorskap.dump
(see "Backups" in the README)`

func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("backup", "backup --out FILE [--force] [--db mentorskap.db]", stdout, stderr)
	out := fs.String("out", "", "file to write the backup to (required)")
	force := fs.Bool("force", false, "replace FILE when it already exists")
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file (env MENTORSKAP_DB); safe while serve runs")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if isPostgres(*dsn) {
		fmt.Fprintln(stderr, pgDumpHint)
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "mentorskap: backup needs --out FILE and no other arguments")
		return 2
	}
	ctx := context.Background()
	db, ok := openExisting(ctx, *dsn, stderr)
	if !ok {
		return 1
	}
	defer db.Close()
	if err := db.Backup(ctx, *out, *force); err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	version, err := store.VerifyBackup(ctx, *out)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap: the backup does not verify:", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s (schema version %d)\n", *dsn, *out, version)
	return 0
}

func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("restore", "restore FILE [--db mentorskap.db]", stdout, stderr)
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file to replace (env MENTORSKAP_DB); stop serve first")
	// Accept the file before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		file = ""
	}
	if isPostgres(*dsn) {
		fmt.Fprintln(stderr, pgDumpHint)
		return 2
	}
	if file == "" {
		fmt.Fprintln(stderr, "Usage: mentorskap restore FILE [--db mentorskap.db]")
		return 2
	}
	kept, err := store.Restore(context.Background(), file, *dsn, time.Now())
	if err != nil {
		if errors.Is(err, store.ErrInUse) {
			fmt.Fprintf(stderr, "mentorskap: %s is in use: stop mentorskap serve first\n", *dsn)
		} else {
			fmt.Fprintln(stderr, "mentorskap:", err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", *dsn, file)
	if kept != "" {
		fmt.Fprintf(stdout, "the previous database is kept as %s\n", kept)
	}
	return 0
}
