package outcome

import (
	"context"
	"errors"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// RoundResult counts one round's questionnaires and answers. It holds no
// names and no comments: it is what coordinators and the report see.
type RoundResult struct {
	Round    int            `json:"round"`
	Sent     int            `json:"sent"`
	Answered int            `json:"answered"`
	Status   map[string]int `json:"status"` // per Statuses
	Helped   map[int]int    `json:"helped"` // per Scale
}

// Rate is the share answered, in whole per cent.
func (r RoundResult) Rate() int {
	if r.Sent == 0 {
		return 0
	}
	return (r.Answered*100 + r.Sent/2) / r.Sent
}

// StatusCount and HelpedCount read the maps for templates.
func (r RoundResult) StatusCount(s string) int { return r.Status[s] }
func (r RoundResult) HelpedCount(n int) int    { return r.Helped[n] }

// Comment is one optional comment, with its round and when it was written
// and never who wrote it.
type Comment struct {
	Round int       `json:"months"`
	Text  string    `json:"text"`
	At    time.Time `json:"answered_at"`
}

// Results is what a program's coordinators see of the follow-up.
type Results struct {
	Program  *program.Program
	Settings Settings
	Rounds   []RoundResult
	Comments []Comment
}

// Sent is how many questionnaires have gone out in all rounds.
func (r *Results) Sent() int {
	n := 0
	for _, x := range r.Rounds {
		n += x.Sent
	}
	return n
}

// count reads a program's questionnaires sent in [from, to) and counts the
// answers given before to. A zero from or to leaves that side open.
func count(ctx context.Context, q store.Q, programID int64, from, to time.Time) ([]RoundResult, []Comment, error) {
	where, args := `program_id = ?`, []any{programID}
	if !from.IsZero() {
		where, args = where+` AND sent_at >= ?`, append(args, from.UTC())
	}
	if !to.IsZero() {
		where, args = where+` AND sent_at < ?`, append(args, to.UTC())
	}
	rows, err := q.Query(ctx, `SELECT round, answered_at, COALESCE(status, ''), COALESCE(helped, 0), comment
		FROM outcome_surveys WHERE `+where+` ORDER BY answered_at, id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byRound := map[int]*RoundResult{}
	var out []RoundResult
	for _, r := range Rounds {
		out = append(out, RoundResult{Round: r, Status: map[string]int{}, Helped: map[int]int{}})
	}
	for i := range out {
		byRound[out[i].Round] = &out[i]
	}
	var comments []Comment
	for rows.Next() {
		var round, helped int
		var at *time.Time
		var status, comment string
		if err := rows.Scan(&round, &at, &status, &helped, &comment); err != nil {
			return nil, nil, err
		}
		r := byRound[round]
		if r == nil {
			continue
		}
		r.Sent++
		if at == nil || (!to.IsZero() && !at.Before(to)) {
			continue
		}
		r.Answered++
		r.Status[status]++
		r.Helped[helped]++
		if comment != "" {
			comments = append(comments, Comment{Round: round, Text: comment, At: *at})
		}
	}
	return out, comments, rows.Err()
}

// Results counts a program's follow-up for its coordinators: per round,
// how many were asked and answered and what they answered, and the
// comments without names.
func (s *Service) Results(ctx context.Context, actor *account.User, programID int64) (*Results, error) {
	prog, st, err := s.Settings(ctx, actor, programID)
	if err != nil {
		return nil, err
	}
	rounds, comments, err := count(ctx, s.DB, programID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	return &Results{Program: prog, Settings: st, Rounds: rounds, Comments: comments}, nil
}

// ReportTables is the follow-up's part of the funder report (a
// report.Source): for the questionnaires sent in [from, to), how many
// were sent and answered per round, and what the answers were, as counts
// of people. Comments never go into the report. A program that has never
// sent one contributes nothing. It does not check who asks: the report
// does.
func (s *Service) ReportTables(ctx context.Context, programID int64, from, to time.Time, lang string) ([]report.Table, error) {
	if s.Outbox == nil || s.Outbox.Bundle == nil {
		return nil, errors.New("outcome: ReportTables needs the outbox's bundle")
	}
	rounds, _, err := count(ctx, s.DB, programID, from, to)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, r := range rounds {
		total += r.Sent
	}
	st, err := GetSettings(ctx, s.DB, programID)
	if err != nil {
		return nil, err
	}
	if total == 0 && !st.Enabled {
		return nil, nil
	}
	l := s.Outbox.Bundle.Locale(lang)
	sent := report.Table{Title: l.T("outcome.report.title"), Note: l.T("outcome.report.note")}
	for _, r := range rounds {
		sent.Counts = append(sent.Counts,
			report.Count{Label: l.T("outcome.report.sent", "months", r.Round), N: r.Sent},
			report.Count{Label: l.T("outcome.report.answered", "months", r.Round, "percent", r.Rate()), N: r.Answered})
	}
	tables := []report.Table{sent}
	for _, r := range rounds {
		if r.Answered == 0 {
			continue
		}
		now := report.Table{Title: l.T("outcome.report.status_title", "months", r.Round), People: true}
		for _, x := range Statuses {
			now.Counts = append(now.Counts, report.Count{Label: l.T("outcome.status." + x), N: r.Status[x]})
		}
		helped := report.Table{Title: l.T("outcome.report.helped_title", "months", r.Round), Note: l.T("outcome.report.helped_note"), People: true}
		for _, n := range Scale {
			helped.Counts = append(helped.Counts, report.Count{Label: l.T("outcome.helped." + strconv.Itoa(n)), N: r.Helped[n]})
		}
		tables = append(tables, now, helped)
	}
	return tables, nil
}
