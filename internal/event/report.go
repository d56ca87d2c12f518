package event

import (
	"context"
	"time"

	"mentorskap/internal/report"
)

// ReportTables is the events' part of the funder report (a report.Source):
// the events held in [from, to) by kind, and how many people were invited
// to them, said yes and came. An event is held when it began in the period
// and was not called off. The counts are of invitations, never names.
func (s *Service) ReportTables(ctx context.Context, programID int64, from, to time.Time, lang string) ([]report.Table, error) {
	l := s.Bundle.Locale(lang)
	rows, err := s.DB.Query(ctx, `SELECT e.kind, COUNT(DISTINCT e.id), COUNT(i.user_id),
		COUNT(CASE WHEN i.response = 'yes' THEN 1 END), COUNT(CASE WHEN i.attended THEN 1 END)
		FROM events e LEFT JOIN event_invites i ON i.event_id = e.id
		WHERE e.program_id = ? AND e.cancelled_at IS NULL AND e.starts_at >= ? AND e.starts_at < ?
		GROUP BY e.kind`, programID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	held := map[string]int{}
	var invited, yes, attended int
	for rows.Next() {
		var kind string
		var n, inv, y, att int
		if err := rows.Scan(&kind, &n, &inv, &y, &att); err != nil {
			return nil, err
		}
		held[kind] = n
		invited, yes, attended = invited+inv, yes+y, attended+att
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byKind := report.Table{Title: l.T("event.report.held_title"), Note: l.T("event.report.held_note")}
	for _, k := range Kinds {
		byKind.Counts = append(byKind.Counts, report.Count{Label: l.T("event.kind." + k), N: held[k]})
	}
	people := report.Table{Title: l.T("event.report.people_title"), Note: l.T("event.report.people_note"),
		Counts: []report.Count{
			{Label: l.T("event.report.invited"), N: invited},
			{Label: l.T("event.report.yes"), N: yes},
			{Label: l.T("event.report.attended"), N: attended},
		}}
	return []report.Table{byKind, people}, nil
}
