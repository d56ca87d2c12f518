package notify

import (
	"context"
	"log/slog"
	"time"

	"mentorskap/internal/brand"
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
	// Action is the email's one button in the HTML part; zero for none.
	Action Action
	// Brand names the organisation and holds its logo and colour; nil
	// means the built-in brand.
	Brand *brand.Brand
}

// Sender delivers one email. An error means "not delivered, try again
// later"; the worker records it and backs off.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes each email to the log instead of sending it. It is used
// when no SMTP server is configured: the outbox table keeps every email,
// and the administrator sees its envelope on /admin/outbox. The body is
// logged only when Bodies is set, for development: it may hold what a
// pair wrote or a link that logs the recipient in, and a server log is
// read by more people, and kept longer, than anyone's inbox.
type LogSender struct {
	Log    *slog.Logger
	Bodies bool
}

func (s LogSender) Send(ctx context.Context, m Message) error {
	attrs := []slog.Attr{slog.Int64("outbox_id", m.ID), slog.String("to", m.To.Email), slog.String("language", m.To.Lang),
		slog.String("subject", m.Subject)}
	if s.Bodies {
		attrs = append(attrs, slog.String("body", m.Body))
	}
	s.Log.LogAttrs(ctx, slog.LevelInfo, "email (SMTP not configured)", attrs...)
	return nil
}
