package notify

import (
	"context"
	"strings"

	"mentorskap/internal/store"
)

// Attachment is a file sent with an email.
type Attachment struct {
	Name        string // file name the reader sees; keep it ASCII
	ContentType string // e.g. "text/calendar; charset=utf-8; method=PUBLISH"
	Data        []byte
}

// loadAttachments fills in the files of claimed emails with one query.
func loadAttachments(ctx context.Context, q store.Q, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	byID := make(map[int64]*Message, len(msgs))
	args := make([]any, len(msgs))
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
		args[i] = msgs[i].ID
	}
	rows, err := q.Query(ctx, `SELECT outbox_id, name, content_type, data FROM outbox_attachments
		WHERE outbox_id IN (?`+strings.Repeat(", ?", len(msgs)-1)+`) ORDER BY outbox_id, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a Attachment
		if err := rows.Scan(&id, &a.Name, &a.ContentType, &a.Data); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return rows.Err()
}
