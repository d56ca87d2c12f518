// Package notify writes emails in each recipient's language into the outbox
// table, inside the caller's transaction, and a worker delivers them later.
// Queuing in the same transaction as the change that caused the email means
// an email is never sent for a change that rolled back, and never lost for
// one that committed.
package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/brand"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// Recipient is who an email goes to and in which language.
type Recipient struct {
	Email string
	Name  string
	Lang  string
	// Roles is what the program the email is about calls mentee and
	// mentor in Lang (program.Recipient fills it); nil for the catalog's words.
	Roles i18n.RoleWords
}

// Outbox queues emails.
type Outbox struct {
	Bundle  *i18n.Bundle
	BaseURL string // absolute root of the site, e.g. https://mentor.example.org
	// Wake, when set, is called after an email is queued so that the worker
	// delivers it promptly instead of at its next poll.
	Wake func()
	// Brand, when set, is the brand the pages show, kept for a few
	// seconds, so that an email does not read it again (see brand.Cache).
	Brand *brand.Cache
}

// Link makes an absolute URL from a site path, for use inside emails.
func (o *Outbox) Link(path string) string {
	return strings.TrimRight(o.BaseURL, "/") + path
}

// Send renders the email kind (catalog keys email.<kind>.subject and
// email.<kind>.body) in the recipient's language and queues it with q.
func (o *Outbox) Send(ctx context.Context, q store.Q, now time.Time, to Recipient, kind string, args ...any) error {
	return o.SendWith(ctx, q, now, to, kind, nil, args...)
}

// SendWith is Send with files attached, such as a meeting's calendar file.
func (o *Outbox) SendWith(ctx context.Context, q store.Q, now time.Time, to Recipient, kind string, files []Attachment, args ...any) error {
	tx, ok := q.(*store.Tx)
	if !ok {
		db, ok := q.(*store.DB)
		if !ok {
			return fmt.Errorf("notify: an email queued through a %T", q)
		}
		// Reads on a DB go to the read-only pool; the email and its files
		// are written together in a transaction of their own.
		return db.Tx(ctx, func(tx *store.Tx) error { return o.SendWith(ctx, tx, now, to, kind, files, args...) })
	}
	l := o.Bundle.Locale(to.Lang).WithRoles(to.Roles)
	subject := l.T("email."+kind+".subject", args...)
	footer := l.T("email.footer")
	if b, err := o.brand(ctx, tx); err != nil {
		return err
	} else if b.Name != brand.DefaultName {
		// Say whose emails these are: the organisation's name is what the
		// recipient knows, Mentorskap only the tool.
		footer = l.T("email.footer_org", "org", b.Name)
	}
	body := l.T("email."+kind+".body", args...) + "\n\n-- \n" + footer
	action := o.action(l, kind, args)
	const insert = `INSERT INTO outbox (to_email, to_name, language, kind, subject, body, created_at, next_attempt_at,
		action_url, action_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	values := []any{to.Email, to.Name, l.Lang(), kind, subject, body, now, now, action.URL, action.Label}
	// Nothing here needs an answer from the database, so the email goes
	// with the transaction's next statement or its commit.
	err := tx.Later(ctx, insert, values...)
	for _, f := range files {
		if err == nil {
			err = tx.Later(ctx, `INSERT INTO outbox_attachments (outbox_id, name, content_type, data)
				VALUES (`+lastOutboxID[tx.Dialect()]+`, ?, ?, ?)`, f.Name, f.ContentType, f.Data)
		}
	}
	if err == nil && o.Wake != nil {
		o.Wake()
	}
	return err
}

// lastOutboxID is the id of the email a transaction queued last: on
// PostgreSQL the last value the transaction's own session drew from the
// sequence, on SQLite the largest, as the transaction holds the only
// writer.
var lastOutboxID = map[store.Dialect]string{
	store.Postgres: `currval(pg_get_serial_sequence('outbox', 'id'))`,
	store.SQLite:   `(SELECT MAX(id) FROM outbox)`,
}

// brand is the brand an email's footer names, as the pages show it (see
// brand.Cache).
func (o *Outbox) brand(ctx context.Context, q store.Q) (*brand.Brand, error) {
	if b := o.Brand.Get(); b != nil {
		return b, nil
	}
	b, err := brand.Get(ctx, q)
	if err == nil {
		o.Brand.Put(b)
	}
	return b, err
}

// action finds an email's one button: the argument named "link", which
// every email that asks for something carries, labelled by the catalog key
// email.<kind>.button, or email.button when the kind has none of its own.
func (o *Outbox) action(l *i18n.Locale, kind string, args []any) Action {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] != "link" {
			continue
		}
		u, _ := args[i+1].(string)
		if u == "" {
			return Action{}
		}
		key := "email." + kind + ".button"
		if !o.Bundle.Has(key) {
			key = "email.button"
		}
		return Action{URL: u, Label: l.T(key, args...)}
	}
	return Action{}
}
