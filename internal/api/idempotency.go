package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
)

// A POST that creates something may carry an Idempotency-Key header (the
// IETF httpapi draft of that name). The first request with a key is
// answered as usual and, when it succeeds, its answer is kept for
// idempotencyTTL; the same person sending the same key again gets that
// answer back with Idempotent-Replayed: true and nothing is done twice. The
// same key with another request is refused (422), and while the first
// request is still being answered a second one is refused (409). A failed
// request keeps nothing, so the client can correct it and use the key again.

const (
	idempotencyTTL    = 24 * time.Hour
	idempotencyHeader = "Idempotency-Key"
	maxIdempotencyKey = 255
)

// idempotent wraps an API POST handler; it must run after requireUser.
func (s *API) idempotent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(idempotencyHeader)
		u := httpx.User(r)
		if key == "" || u == nil {
			h(w, r)
			return
		}
		if len(key) > maxIdempotencyKey {
			s.fail(w, r, &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
				Fields: map[string]errs.Msg{idempotencyHeader: {Key: "api.error.idempotency_key_long", Args: []any{"max", maxIdempotencyKey}}}})
			return
		}
		// The request is named by its method, path, query and body, so a
		// key reused for something else is noticed.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		io.WriteString(sum, r.Method+" "+r.URL.RequestURI()+"\n")
		sum.Write(body)
		hash := hex.EncodeToString(sum.Sum(nil))

		ctx := r.Context()
		now := s.Clock.Now().UTC()
		var replay *idempotentAnswer
		err = s.DB.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, now.Add(-idempotencyTTL)); err != nil {
				return err
			}
			var a idempotentAnswer
			var have string
			err := tx.QueryRow(ctx, `SELECT request_hash, status, content_type, location, body FROM idempotency_keys
				WHERE user_id = ? AND key = ?`, u.ID, key).Scan(&have, &a.status, &a.contentType, &a.location, &a.body)
			switch {
			case err == nil && have != hash:
				return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
					Fields: map[string]errs.Msg{idempotencyHeader: {Key: "api.error.idempotency_key_reused"}}}
			case err == nil && a.status == 0:
				return errs.E(errs.Conflict, "api.error.idempotency_key_busy")
			case err == nil:
				replay = &a
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			// Claim the key before doing the work, so that a second request
			// racing this one finds it taken.
			_, err = tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, location, body, created_at)
				VALUES (?, ?, ?, 0, '', '', ?, ?)`, u.ID, key, hash, []byte{}, now)
			if store.IsUnique(err) {
				return errs.E(errs.Conflict, "api.error.idempotency_key_busy")
			}
			return err
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if replay != nil {
			if replay.location != "" {
				w.Header().Set("Location", replay.location)
			}
			w.Header().Set("Content-Type", replay.contentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(replay.status)
			w.Write(replay.body)
			return
		}

		rec := &answerRecorder{ResponseWriter: w, status: http.StatusOK}
		h(rec, r)
		// The answer is already on its way; keeping it must not depend on
		// the client waiting for it.
		ctx = context.WithoutCancel(ctx)
		if rec.status >= 200 && rec.status < 300 {
			_, err = s.DB.Exec(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?
				WHERE user_id = ? AND key = ?`, rec.status, w.Header().Get("Content-Type"), w.Header().Get("Location"),
				rec.body.Bytes(), u.ID, key)
		} else {
			_, err = s.DB.Exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, u.ID, key)
		}
		if err != nil {
			s.Log.Error("idempotency: keep the answer", "request_id", httpx.RequestID(r), "err", err)
		}
	}
}

type idempotentAnswer struct {
	status      int
	contentType string
	location    string
	body        []byte
}

// answerRecorder passes an answer through and keeps a copy of it.
type answerRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) WriteHeader(code int) {
	a.status = code
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	a.body.Write(b)
	return a.ResponseWriter.Write(b)
}
