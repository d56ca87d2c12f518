package web

import (
	"context"
	"strconv"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// reviewOffer is the agreement review meeting as a page offers it while
// the pair is in its follow-up: the action that books it or, once booked,
// the meeting itself.
type reviewOffer struct {
	PairID  int64
	Meeting *meeting.Meeting // nil until booked
	Now     time.Time
}

// BookPath opens the booking form with the review's purpose and agenda.
func (o *reviewOffer) BookPath() string {
	return meetingsPath(o.PairID) + "/new?purpose=" + meeting.PurposeReview
}

// MeetingPath is the booked review meeting's page.
func (o *reviewOffer) MeetingPath() string { return meeting.MeetingPath(o.PairID, o.Meeting.ID) }

// NotesPath is where a held review meeting's outcome is written.
func (o *reviewOffer) NotesPath() string { return o.MeetingPath() + "/notes" }

// Held reports whether the review meeting has taken place.
func (o *reviewOffer) Held() bool { return o.Meeting != nil && o.Meeting.Held(o.Now) }

// loadReviewOffer reads the offer for a member of p, given the pair's
// meetings: nil when the pair may not book the review now
// (program.ActFollowUp) or, unless always, is not in its follow-up.
func loadReviewOffer(ctx context.Context, q store.Q, p *program.Pair, ms []meeting.Meeting, now time.Time, always bool) (*reviewOffer, error) {
	if !p.Allows(now, program.ActFollowUp) {
		return nil, nil
	}
	if !always {
		open, err := evaluation.FollowupOpen(ctx, q, p.ID, now)
		if err != nil || !open {
			return nil, err
		}
	}
	return &reviewOffer{PairID: p.ID, Meeting: meeting.ReviewOf(ms), Now: now}, nil
}

// agreementEditFromReview is the agreement editor opened from a held
// review meeting: the version saved there names the meeting.
func agreementEditFromReview(pairID, meetingID int64) string {
	return agreementPath(pairID) + "/edit?review=" + strconv.FormatInt(meetingID, 10)
}
