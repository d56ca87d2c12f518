// Package notify writes emails in each recipient's language into the outbox
// table, inside the caller's transaction, and a worker delivers them later.
// Queuing in the same transaction as the change that caused the email means
// an email is never sent for a change that rolled back, and never lost for
// one that committed.
package notify

import (
	"context"
	"strings"
	"time"

	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// Recipient is who an email goes to and in which language.
type Recipient struct {
	Email string
	Name  string
	Lang  string
}

// Outbox queues emails.
type Outbox struct {
	Bundle  *i18n.Bundle
	BaseURL string // absolute root of the site, e.g. https://mentor.example.org
	// Wake, when set, is called after an email is queued so that the worker
	// delivers it promptly instead of at its next poll.
	Wake func()
}

// Link makes an absolute URL from a site path, for use inside emails.
func (o *Outbox) Link(path string) string {
	return strings.TrimRight(o.BaseURL, "/") + path
}

// Send renders the email kind (catalog keys email.<kind>.subject and
// email.<kind>.body) in the recipient's language and queues it with q.
func (o *Outbox) Send(ctx context.Context, q store.Q, now time.Time, to Recipient, kind string, args ...any) error {
	l := o.Bundle.Locale(to.Lang)
	subject := l.T("email."+kind+".subject", args...)
	body := l.T("email."+kind+".body", args...) + "\n\n-- \n" + l.T("email.footer")
	_, err := q.Exec(ctx, `INSERT INTO outbox (to_email, to_name, language, subject, body, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, to.Email, to.Name, l.Lang(), subject, body, now, now)
	if err == nil && o.Wake != nil {
		o.Wake()
	}
	return err
}
