// Package webhook tells the systems around a program what happened in it:
// administrators register HTTPS endpoints per program, and each event is
// POSTed to them as JSON signed the way the Standard Webhooks specification
// says (headers webhook-id, webhook-timestamp and webhook-signature,
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" with a "whsec_" secret per
// endpoint). Payloads hold ids, times and facts that are not the pair's
// confidential content: never notes, answers, messages or goals.
//
// Emit runs inside the transaction of the change it reports: it writes one
// delivery row per subscribed endpoint and one job per delivery, so an event
// is recorded exactly when its change is. The jobs table (internal/jobs)
// does the sending, with its retries, backoff and claiming, so any number
// of instances deliver each event once.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Event types. The list is part of the API: add, never rename.
const (
	ParticipantJoined = "participant.joined"
	PairCreated       = "pair.created"
	PairEnded         = "pair.ended"    // ended early, by a side or a coordinator
	PairFinished      = "pair.finished" // reached its planned end
	AgreementSigned   = "agreement.signed"
	MeetingConfirmed  = "meeting.confirmed"
	MeetingCancelled  = "meeting.cancelled"
	// CheckpointAnswered says who answered which check point and when.
	CheckpointAnswered = "checkpoint.answered"
	// CheckpointOpened: a check point's window opened for a pair, once
	// per window (the reminder scan notices it).
	CheckpointOpened = "checkpoint.opened"
)

// Events are the types an endpoint may subscribe to.
var Events = []string{ParticipantJoined, PairCreated, PairEnded, PairFinished, AgreementSigned, MeetingConfirmed, MeetingCancelled, CheckpointAnswered, CheckpointOpened}

// JobKind is the jobs table's kind for a delivery.
const JobKind = "webhook"

// RotationOverlap is how long the previous secret still signs after a
// rotation, so a receiver has time to switch.
const RotationOverlap = 24 * time.Hour

// Delivery statuses.
const (
	StatusWaiting   = "waiting"   // not tried yet, or tried and will be again
	StatusDelivered = "delivered" // the endpoint answered 2xx
	StatusFailed    = "failed"    // the last try failed; it will be tried again
	StatusGaveUp    = "gave_up"   // failed too often
)

// Endpoint is a registered receiver.
type Endpoint struct {
	ID, ProgramID  int64
	URL            string
	Events         []string
	Secret         string
	PreviousSecret string
	PreviousUntil  *time.Time
	CreatedAt      time.Time
}

// Delivery is one event for one endpoint, and its log.
type Delivery struct {
	ID, EndpointID int64
	MessageID      string
	EventType      string
	Payload        string
	Status         string
	Attempts       int
	LastStatus     int
	LastError      string
	CreatedAt      time.Time
	DeliveredAt    *time.Time
}

// NewSecret makes an endpoint secret: "whsec_" and 32 random bytes in
// base64, as the specification writes them.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Sign gives the webhook-signature value for a message under each secret,
// space separated.
func Sign(id string, ts time.Time, body []byte, secrets ...string) string {
	var out []string
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil {
			continue
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
		mac.Write(body)
		out = append(out, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(out, " ")
}

func validate(rawURL string, events []string) error {
	fields := map[string]errs.Msg{}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(rawURL) > 2000 {
		fields["url"] = errs.Msg{Key: "webhook.error.url"}
	}
	if len(events) == 0 {
		fields["events"] = errs.Msg{Key: "webhook.error.events"}
	}
	for _, e := range events {
		if !slices.Contains(Events, e) {
			fields["events"] = errs.Msg{Key: "webhook.error.event", Args: []any{"event", e}}
		}
	}
	if len(fields) > 0 {
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: fields}
	}
	return nil
}

// Register adds an endpoint to a program. The caller has checked that the
// actor is an administrator.
func Register(ctx context.Context, q store.Q, now time.Time, programID, actorID int64, rawURL string, events []string) (*Endpoint, error) {
	if err := validate(rawURL, events); err != nil {
		return nil, err
	}
	slices.Sort(events)
	events = slices.Compact(events)
	e := &Endpoint{ProgramID: programID, URL: rawURL, Events: events, Secret: NewSecret(), CreatedAt: now.UTC()}
	err := q.QueryRow(ctx, `INSERT INTO webhook_endpoints (program_id, url, events, secret, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, programID, rawURL, strings.Join(events, ","), e.Secret, actorID, e.CreatedAt).Scan(&e.ID)
	return e, err
}

const endpointCols = `id, program_id, url, events, secret, previous_secret, previous_until, created_at`

func scanEndpoint(row interface{ Scan(...any) error }) (*Endpoint, error) {
	var e Endpoint
	var events string
	if err := row.Scan(&e.ID, &e.ProgramID, &e.URL, &events, &e.Secret, &e.PreviousSecret, &e.PreviousUntil, &e.CreatedAt); err != nil {
		return nil, err
	}
	e.Events = strings.Split(events, ",")
	return &e, nil
}

// Endpoints lists a program's endpoints, oldest first.
func Endpoints(ctx context.Context, q store.Q, programID int64) ([]Endpoint, error) {
	rows, err := q.Query(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE program_id = ? ORDER BY id`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Endpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// Get loads one of a program's endpoints.
func Get(ctx context.Context, q store.Q, programID, id int64) (*Endpoint, error) {
	e, err := scanEndpoint(q.QueryRow(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = ? AND program_id = ?`, id, programID))
	return e, store.NotFound(err, "error.not_found")
}

// Remove deletes an endpoint and its log; deliveries not yet sent are
// dropped with it (their jobs find no row and finish).
func Remove(ctx context.Context, q store.Q, programID, id int64) error {
	res, err := q.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ? AND program_id = ?`, id, programID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// Rotate gives an endpoint a new secret. The old one keeps signing beside
// it for RotationOverlap.
func Rotate(ctx context.Context, q store.Q, now time.Time, programID, id int64) (*Endpoint, error) {
	e, err := Get(ctx, q, programID, id)
	if err != nil {
		return nil, err
	}
	until := now.UTC().Add(RotationOverlap)
	e.PreviousSecret, e.PreviousUntil, e.Secret = e.Secret, &until, NewSecret()
	_, err = q.Exec(ctx, `UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_until = ? WHERE id = ?`,
		e.Secret, e.PreviousSecret, until, e.ID)
	return e, err
}

// Secrets are the secrets that sign a message sent at now.
func (e *Endpoint) Secrets(now time.Time) []string {
	if e.PreviousSecret != "" && e.PreviousUntil != nil && now.Before(*e.PreviousUntil) {
		return []string{e.Secret, e.PreviousSecret}
	}
	return []string{e.Secret}
}

// Emit records an event of a program for every endpoint subscribed to it,
// in the caller's transaction. data must hold no confidential content.
func Emit(ctx context.Context, q store.Q, now time.Time, programID int64, eventType string, data map[string]any) error {
	eps, err := Endpoints(ctx, q, programID)
	if err != nil || len(eps) == 0 {
		return err
	}
	idb := make([]byte, 16)
	rand.Read(idb)
	msgID := "msg_" + hex.EncodeToString(idb)
	now = now.UTC()
	body, err := json.Marshal(map[string]any{"type": eventType, "timestamp": now.Format(time.RFC3339), "data": data})
	if err != nil {
		return err
	}
	for _, e := range eps {
		if !slices.Contains(e.Events, eventType) {
			continue
		}
		var id int64
		if err := q.QueryRow(ctx, `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, e.ID, msgID, eventType, string(body), StatusWaiting, now).Scan(&id); err != nil {
			return err
		}
		// The jobs row is written here rather than through jobs.Enqueue,
		// which this package cannot import (jobs reads the domain packages
		// that call Emit); the columns are the same.
		if _, err := q.Exec(ctx, `INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			JobKind, "webhook:"+strconv.FormatInt(id, 10), `{"delivery_id":`+strconv.FormatInt(id, 10)+`}`, now, now); err != nil {
			return err
		}
	}
	return nil
}

const deliveryCols = `id, endpoint_id, message_id, event_type, payload, status, attempts, last_status, last_error, created_at, delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (*Delivery, error) {
	var d Delivery
	err := row.Scan(&d.ID, &d.EndpointID, &d.MessageID, &d.EventType, &d.Payload, &d.Status, &d.Attempts,
		&d.LastStatus, &d.LastError, &d.CreatedAt, &d.DeliveredAt)
	return &d, err
}

// DeliveryByID loads one delivery.
func DeliveryByID(ctx context.Context, q store.Q, id int64) (*Delivery, error) {
	d, err := scanDelivery(q.QueryRow(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries WHERE id = ?`, id))
	return d, store.NotFound(err, "error.not_found")
}

// Deliveries lists an endpoint's log newest first, up to limit rows with
// an id below before (0: from the newest).
func Deliveries(ctx context.Context, q store.Q, endpointID, before int64, limit int) ([]Delivery, error) {
	rows, err := q.Query(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries
		WHERE endpoint_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, endpointID, before, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Counts are deliveries per status, for /metrics.
func Counts(ctx context.Context, q store.Q) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{StatusWaiting: 0, StatusDelivered: 0, StatusFailed: 0, StatusGaveUp: 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
