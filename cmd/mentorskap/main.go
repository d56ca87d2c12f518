// Command mentorskap runs the Mentorskap web application and its
// administrative tasks. main.go holds the subcommand dispatch only; each
// subcommand lives in its own file.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Mentorskap runs mentoring programs: agreements, meetings, goals and follow-up.

Usage:
  mentorskap <command> [flags]

Commands:
  serve         run the web application
  user add      create an administrator or coordinator account
  demo          fill the database with a sample program
  migrate       apply pending database migrations (--status lists them)
  backup        copy the SQLite database to a file, safely while serve runs
  restore       replace the SQLite database with a backup (serve stopped)
  match-solve   solve a mentor/mentee score matrix (CSV) optimally
  version       print the version

Run "mentorskap <command> --help" for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "user":
		return runUser(args[1:], stdin, stdout, stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdout, stderr)
	case "backup":
		return runBackup(args[1:], stdout, stderr)
	case "restore":
		return runRestore(args[1:], stdout, stderr)
	case "match-solve":
		return runMatchSolve(args[1:], stdin, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "mentorskap", version)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "mentorskap: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
