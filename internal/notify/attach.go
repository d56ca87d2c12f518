package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"

	"mentorskap/internal/store"
)

// Attachment is a file sent with an email.
type Attachment struct {
	Name        string // file name the reader sees; keep it ASCII
	ContentType string // e.g. "text/calendar; charset=utf-8; method=PUBLISH"
	Data        []byte
}

func saveAttachments(ctx context.Context, q store.Q, outboxID int64, files []Attachment) error {
	for _, f := range files {
		if _, err := q.Exec(ctx, `INSERT INTO outbox_attachments (outbox_id, name, content_type, data) VALUES (?, ?, ?, ?)`,
			outboxID, f.Name, f.ContentType, f.Data); err != nil {
			return err
		}
	}
	return nil
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

// writeMixed writes the Content-Type header that ends the message header,
// then the body as multipart/mixed: the text first, in quoted-printable like
// a plain email, then each file in base64.
func writeMixed(b *bytes.Buffer, m Message) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	b.WriteString("Content-Type: " + mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}) + "\r\n\r\n")

	text, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	qp := quotedprintable.NewWriter(text)
	qp.Write([]byte(m.Body))
	qp.Close()

	for _, a := range m.Attachments {
		name := oneLine(a.Name)
		part, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {oneLine(a.ContentType)},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		})
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			part.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		part.Write([]byte(enc + "\r\n"))
	}
	mw.Close()
	b.Write(body.Bytes())
}
