package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// HandleWebhooks lets the worker send webhook deliveries (queued by
// webhook.Emit) with client. A 2xx answer marks the delivery delivered in
// the same transaction that finishes the job; anything else is written to
// the delivery's log and returned, so the job is tried again with the
// table's backoff, and given up after MaxAttempts.
func (w *Worker) HandleWebhooks(client *http.Client) {
	w.Handle(webhook.JobKind, func(ctx context.Context, db *store.DB, j *Job) error {
		var p struct {
			DeliveryID int64 `json:"delivery_id"`
		}
		if err := j.Decode(&p); err != nil {
			return err
		}
		d, err := webhook.DeliveryByID(ctx, db, p.DeliveryID)
		if errs.Is(err, errs.NotFound) {
			return nil // its endpoint was removed
		}
		if err != nil {
			return err
		}
		var programID int64
		if err := db.QueryRow(ctx, `SELECT program_id FROM webhook_endpoints WHERE id = ?`, d.EndpointID).Scan(&programID); err != nil {
			return err
		}
		ep, err := webhook.Get(ctx, db, programID, d.EndpointID)
		if err != nil {
			return err
		}
		now := w.Clock.Now().UTC()
		status, sendErr := sendWebhook(ctx, client, ep, d, now)
		if sendErr == nil {
			return db.Tx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = '', delivered_at = ?
					WHERE id = ?`, webhook.StatusDelivered, j.Attempts, status, now, d.ID); err != nil {
					return err
				}
				return Finish(ctx, tx, j, now)
			})
		}
		state := webhook.StatusFailed
		if j.Attempts >= MaxAttempts {
			state = webhook.StatusGaveUp
		}
		msg := sendErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if _, err := db.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ? WHERE id = ?`,
			state, j.Attempts, status, msg, d.ID); err != nil {
			return errors.Join(sendErr, err)
		}
		return sendErr
	})
}

// sendWebhook POSTs one delivery, signed, and reports the answer's status.
func sendWebhook(ctx context.Context, client *http.Client, ep *webhook.Endpoint, d *webhook.Delivery, now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mentorskap-Webhooks/1")
	req.Header.Set("webhook-id", d.MessageID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", webhook.Sign(d.MessageID, now, body, ep.Secrets(now)...))
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("endpoint answered %d", res.StatusCode)
	}
	return res.StatusCode, nil
}
