package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"mentorskap/internal/clock"
	"mentorskap/internal/demo"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("demo", "demo [--db mentorskap.db]", stdout, stderr)
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file, or a postgres:// URL (env MENTORSKAP_DB)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	ctx := context.Background()
	a, err := openApp(ctx, *dsn, "", "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	defer a.db.Close()
	res, err := demo.Seed(ctx, a.db, clock.System{})
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", describe(a, err))
		return 1
	}
	if res.Created == 0 {
		fmt.Fprintf(stdout, "The demo program %q was already there; no account was added.\n", res.Program.Name)
	} else {
		fmt.Fprintf(stdout, "Demo program %q is ready (%d accounts created).\n", res.Program.Name, res.Created)
	}
	if res.AdminSkipped {
		fmt.Fprintln(stdout, "This installation already has an administrator, so no demo administrator was added.")
	}
	fmt.Fprintf(stdout, "\nEvery demo account has the password: %s\n\n", demo.Password)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tNAME\tEMAIL\tNOTE")
	for _, l := range res.Logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Role, l.Name, l.Email, l.Note)
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\nNow start the server on the same database (mentorskap serve) and log in as any of them.")
	fmt.Fprintln(stdout, "Without an SMTP server no email is sent; to read what they say while you try it, start it as")
	fmt.Fprintln(stdout, "mentorskap serve --log-mail-bodies (development only: emails hold private text and login links).")
	return 0
}
