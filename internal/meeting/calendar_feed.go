package meeting

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// A personal calendar feed is a secret address a calendar application
// polls without logging in. The secret is the only key, so it is long and
// random, kept only as a hash, and replaced or withdrawn by its owner.

// FeedWindow is how far back a feed reaches: far enough that a calendar
// still shows recent meetings, and that a cancellation reaches calendars
// that subscribed before it.
const FeedWindow = 365 * 24 * time.Hour

// MaxFeedEvents bounds a feed, whatever a long history holds.
const MaxFeedEvents = 1000

func hashFeedToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// FeedStatus says when the person's current feed address was made, or nil
// when they have none.
func (s *Service) FeedStatus(ctx context.Context, actor *account.User) (*time.Time, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	var at time.Time
	err := s.DB.QueryRow(ctx, `SELECT created_at FROM calendar_feeds WHERE user_id = ?`, actor.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &at, nil
}

// RenewFeed makes a new secret for the person's feed and returns it; the
// old address stops working at once. The secret is shown only now.
func (s *Service) RenewFeed(ctx context.Context, actor *account.User) (string, error) {
	if actor == nil {
		return "", errs.E(errs.Unauthorized, "error.login_required")
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = ?`, actor.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)`,
			actor.ID, hashFeedToken(token), now)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeFeed withdraws the person's feed address. Revoking when there is
// none changes nothing.
func (s *Service) RevokeFeed(ctx context.Context, actor *account.User) error {
	if actor == nil {
		return errs.E(errs.Unauthorized, "error.login_required")
	}
	_, err := s.DB.Exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = ?`, actor.ID)
	return err
}

// FeedItem is one meeting in a feed with the people the subscriber meets.
type FeedItem struct {
	Meeting Meeting
	Others  string
}

// Feed is what a feed address shows: the subscriber's meetings in every
// pair they are or were part of, from FeedWindow ago on.
type Feed struct {
	User  *account.User
	Items []FeedItem
}

// FeedFor reads the feed behind a secret. An unknown or withdrawn secret is
// NotFound, like any other address that leads nowhere.
func FeedFor(ctx context.Context, q store.Q, token string, now time.Time) (*Feed, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, errs.E(errs.NotFound, "calendar.error.feed_unknown")
	}
	var userID int64
	err := q.QueryRow(ctx, `SELECT user_id FROM calendar_feeds WHERE token_hash = ?`, hashFeedToken(token)).Scan(&userID)
	if err != nil {
		return nil, store.NotFound(err, "calendar.error.feed_unknown")
	}
	u, err := account.ByID(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	pairs, err := program.PairsForUser(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	others := make(map[int64]string, len(pairs))
	for i := range pairs {
		others[pairs[i].ID] = pairs[i].OtherNames(userID)
	}
	rows, err := q.Query(ctx, `SELECT `+meetingCols+` FROM meetings m
		JOIN pair_members pm ON pm.pair_id = m.pair_id AND pm.user_id = ?
		WHERE m.starts_at >= ? ORDER BY m.starts_at, m.id LIMIT ?`, userID, now.Add(-FeedWindow), MaxFeedEvents)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := &Feed{User: u}
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		f.Items = append(f.Items, FeedItem{Meeting: *m, Others: others[m.PairID]})
	}
	return f, rows.Err()
}
