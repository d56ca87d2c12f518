package web

import (
	"strconv"
	"time"

	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
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

// newReviewOffer is the offer for a member of p, given the pair's
// meetings: nil when the pair may not book the review now
// (program.ActFollowUp) or is not in its follow-up (inFollowup, as
// evaluation.ReadFollowupOpen tells).
func newReviewOffer(p *program.Pair, ms []meeting.Meeting, now time.Time, inFollowup bool) *reviewOffer {
	if !inFollowup || !p.Allows(now, program.ActFollowUp) {
		return nil
	}
	return &reviewOffer{PairID: p.ID, Meeting: meeting.ReviewOf(ms), Now: now}
}

// agreementEditFromReview is the agreement editor opened from a held
// review meeting: the version saved there names the meeting.
func agreementEditFromReview(pairID, meetingID int64) string {
	return agreementPath(pairID) + "/edit?review=" + strconv.FormatInt(meetingID, 10)
}
