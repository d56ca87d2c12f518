package notify

import (
	"context"
	"log/slog"
	"time"
)

// Message is one email taken from the outbox, ready to deliver.
type Message struct {
	ID        int64 // outbox row; it makes the Message-ID stable across retries
	To        Recipient
	Subject   string
	Body      string
	CreatedAt time.Time
	// Attachments go out as a multipart/mixed email after the text.
	Attachments []Attachment
}

// Sender delivers one email. An error means "not delivered, try again
// later"; the worker records it and backs off.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes each email to the log instead of sending it. It is used
// when no SMTP server is configured: the outbox table keeps every email, and
// the administrator reads them on /admin/outbox.
type LogSender struct {
	Log *slog.Logger
}

func (s LogSender) Send(ctx context.Context, m Message) error {
	s.Log.LogAttrs(ctx, slog.LevelInfo, "email (SMTP not configured)",
		slog.Int64("outbox_id", m.ID), slog.String("to", m.To.Email), slog.String("language", m.To.Lang),
		slog.String("subject", m.Subject), slog.String("body", m.Body))
	return nil
}
