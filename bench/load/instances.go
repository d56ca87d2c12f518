package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/store"
)

// freshDatabase creates a database of its own for one run on the server dsn
// points at, and returns its URL and a function that drops it.
func freshDatabase(dsn string) (string, func(), error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := "mentorskap_load_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	log.Printf("database %s created for this run", name)
	return u.String(), func() {
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			log.Printf("drop database %s: %v", name, err)
		} else {
			log.Printf("database %s dropped", name)
		}
		admin.Close()
	}, nil
}

var sentLine = regexp.MustCompile(`outbox_id=(\d+)`)

// checkOnce looks, after every instance has stopped, for work done twice or
// not at all: an email sent by two instances (each send is one log line
// with the outbox id), a reminder queued twice for the same person and
// occasion, a job run more than once, an email marked sent that no
// instance sent, due work left undone. It prints the figures and fails on
// a duplicate or a loss.
func checkOnce(ctx context.Context, dsn string, logs []string) error {
	sends := map[int64]int{}
	perInstance := make([]int, len(logs))
	for i, name := range logs {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		for _, m := range sentLine.FindAllSubmatch(b, -1) {
			id, _ := strconv.ParseInt(string(m[1]), 10, 64)
			sends[id]++
			perInstance[i]++
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	var problems []string
	count := func(query string, args ...any) int {
		var n int
		if err := db.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			problems = append(problems, err.Error())
		}
		return n
	}
	outbox := count(`SELECT COUNT(*) FROM outbox`)
	sent := count(`SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL`)
	reminders := count(`SELECT COUNT(*) FROM outbox WHERE kind LIKE 'reminder%'`)
	dupReminders := count(`SELECT COUNT(*) FROM (SELECT to_email, kind, subject, body FROM outbox
		WHERE kind LIKE 'reminder%' GROUP BY to_email, kind, subject, body HAVING COUNT(*) > 1) d`)
	twice, lost := 0, 0
	for _, n := range sends {
		if n > 1 {
			twice++
		}
	}
	rows, err := db.Query(ctx, `SELECT id FROM outbox WHERE sent_at IS NOT NULL`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		if sends[id] == 0 {
			lost++
		}
	}
	rows.Close()

	fmt.Printf("\nwork shared by %d instances:\n", len(logs))
	fmt.Printf("  emails: %d queued, %d sent (per instance %v), %d sent twice, %d marked sent but never sent, %d waiting\n",
		outbox, sent, perInstance, twice, lost, outbox-sent)
	fmt.Printf("  reminders: %d emails, %d queued twice for the same person and occasion\n", reminders, dupReminders)

	jrows, err := db.Query(ctx, `SELECT kind, COUNT(*), COUNT(done_at), SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN done_at IS NULL AND gave_up_at IS NULL AND run_at <= ? THEN 1 ELSE 0 END)
		FROM jobs GROUP BY kind ORDER BY kind`, time.Now().UTC())
	if err != nil {
		return err
	}
	rerun, undone := 0, 0
	for jrows.Next() {
		var kind string
		var all, done, again, due int
		if err := jrows.Scan(&kind, &all, &done, &again, &due); err != nil {
			jrows.Close()
			return err
		}
		fmt.Printf("  jobs %-18s %5d queued, %5d done, %d claimed more than once, %d due and not done\n",
			kind, all, done, again, due)
		rerun += again
		undone += due
	}
	jrows.Close()
	if twice > 0 {
		problems = append(problems, fmt.Sprintf("%d emails sent twice", twice))
	}
	if lost > 0 {
		problems = append(problems, fmt.Sprintf("%d emails marked sent but not sent", lost))
	}
	if dupReminders > 0 {
		problems = append(problems, fmt.Sprintf("%d reminders queued twice", dupReminders))
	}
	if rerun > 0 {
		problems = append(problems, fmt.Sprintf("%d jobs claimed more than once", rerun))
	}
	if undone > 0 {
		problems = append(problems, fmt.Sprintf("%d due jobs not done", undone))
	}
	if len(problems) > 0 {
		return errors.New("several instances: " + strings.Join(problems, "; "))
	}
	fmt.Println("  nothing done twice, nothing lost")
	return nil
}
