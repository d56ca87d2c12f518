package web

import (
	"encoding/json"
	"mentorskap/internal/agreement"
	"mentorskap/internal/matching"
	"time"
)

// The API's documents as the tests here read them: copies of the types
// in internal/api, where the API is. The conformance check validates every
// answer against the OpenAPI document, so a copy that drifts fails there.

type apiMatchReview struct {
	Proposal        *apiMatchProposal   `json:"proposal"`
	LastPublishedAt *time.Time          `json:"last_published_at"`
	SettingsChanged bool                `json:"settings_changed"`
	Mentees         int                 `json:"mentees"`
	Places          int                 `json:"places"`
	Total           int64               `json:"total"`
	MaxScore        int64               `json:"max_score"`
	AveragePercent  int                 `json:"average_percent"`
	Problems        int                 `json:"problems"`
	Pairs           []apiMatchPair      `json:"pairs"`
	Unmatched       []apiMatchUnmatched `json:"unmatched"`
	LeftOut         []apiMatchLeftOut   `json:"left_out"`
}

type apiAgreementVersion struct {
	Number     int                  `json:"number"`
	Hash       string               `json:"hash"`
	Intact     bool                 `json:"intact"`
	Complete   bool                 `json:"complete"`
	CreatedAt  time.Time            `json:"created_at"`
	CreatedBy  *apiPerson           `json:"created_by,omitempty"`
	Signatures []apiSignature       `json:"signatures"`
	Content    *apiAgreementContent `json:"content,omitempty"`
	// ReviewMeeting is the agreement review meeting the version was saved
	// from; null for any other version.
	ReviewMeeting *int64 `json:"review_meeting_id"`
}

// apiAgreementContent is agreement.Content as the API spells it: the same
// fields in the same order, the dates named starts_on, ends_on and a goal's
// target_on instead of the canonical form's start_date, end_date and
// target_date.
type apiAgreementContent agreement.Content

var apiContentNames = map[string]string{"start_date": "starts_on", "end_date": "ends_on", "target_date": "target_on"}

func (c apiAgreementContent) MarshalJSON() ([]byte, error) {
	return renameJSONKeys(agreement.Content(c), apiContentNames)
}

func (c *apiAgreementContent) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	back := map[string]string{}
	for k, n := range apiContentNames {
		back[n] = k
	}
	b, err := renameJSONKeys(v, back)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*agreement.Content)(c))
}

// renameJSONKeys writes v as JSON with the object keys in names renamed,
// at any depth.
func renameJSONKeys(v any, names map[string]string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, err
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, c := range x {
				if n, ok := names[k]; ok {
					k = n
				}
				out[k] = walk(c)
			}
			return out
		case []any:
			for i, c := range x {
				x[i] = walk(c)
			}
		}
		return x
	}
	return json.Marshal(walk(tree))
}

// apiPair is a pair with both sides. Only coordinators reach it here, and
// it holds no confidential content of the pair.
type apiPair struct {
	ID        int64           `json:"id"`
	Status    string          `json:"status"`
	CreatedAt time.Time       `json:"created_at"`
	EndedAt   *time.Time      `json:"ended_at"`
	Mentors   []apiPairMember `json:"mentors"`
	Mentees   []apiPairMember `json:"mentees"`
}

// apiClosing is a pair's closing summary as the caller may see it.
type apiClosing struct {
	PairID       int64              `json:"pair_id"`
	ProgramID    int64              `json:"program_id"`
	Program      string             `json:"program"`
	Mentors      []string           `json:"mentors"`
	Mentees      []string           `json:"mentees"`
	StartedAt    time.Time          `json:"started_at"`
	EndedAt      time.Time          `json:"ended_at"`
	PlannedEnd   string             `json:"planned_end_on"`
	How          string             `json:"how"`
	EndedBySide  string             `json:"ended_by_side"`
	EndedByMe    bool               `json:"ended_by_me"`
	Reason       string             `json:"reason,omitempty"`
	MeetingsHeld int                `json:"meetings_held"`
	MinMeetings  int                `json:"min_meetings"`
	Goals        []apiClosingGoal   `json:"goals"`
	Reflection   *apiClosingReflect `json:"reflection"`
}

type apiPreparation struct {
	PairID    int64              `json:"pair_id"`
	Side      string             `json:"side"`
	Questions []apiPrepQuestion  `json:"questions"`
	Answers   map[string]string  `json:"answers"`
	Earlier   []agreement.Answer `json:"earlier"`
	UpdatedAt *time.Time         `json:"updated_at"`
}

type apiMatchingSettings struct {
	Weights               map[string]int `json:"weights"`
	RequireLanguage       bool           `json:"require_language"`
	SeparateOrganisations bool           `json:"separate_organisations"`
	Excluded              []apiExclusion `json:"excluded"`
	UnmatchedPenalty      int            `json:"unmatched_penalty"`
	SelfMatch             bool           `json:"self_match"`
	RequestDays           int            `json:"request_days"`
	Suggestions           int            `json:"suggestions"`
}

type apiTemplate struct {
	ProgramID int64                        `json:"program_id"`
	Custom    bool                         `json:"custom"`
	UpdatedAt *time.Time                   `json:"updated_at"`
	Clauses   map[string]agreement.Clauses `json:"clauses"`
	Effective map[string]agreement.Clauses `json:"effective_clauses"`
	Questions []apiTemplateQuestion        `json:"questions"`
}

// apiMeetingDetail adds what the caller may do now and, for those who see
// details, the meeting's history.
type apiMeetingDetail struct {
	apiMeeting
	CanAccept  bool        `json:"can_accept"`
	CanCounter bool        `json:"can_counter"`
	CanMove    bool        `json:"can_move"`
	CanCancel  bool        `json:"can_cancel"`
	LateNow    bool        `json:"late_now"`
	History    []apiChange `json:"history"`
	// Options are the times a proposal offers, its own start first; the
	// other side accepts one by its place in this list.
	Options []time.Time `json:"options"`
}

// apiMeeting is a meeting as the caller may see it. For a coordinator of a
// pair whose agreement does not share its meetings, place, online_url and
// cancel_reason are empty and details is false.
type apiMeeting struct {
	ID            int64      `json:"id"`
	PairID        int64      `json:"pair_id"`
	Number        int        `json:"number"`
	Status        string     `json:"status"`
	State         string     `json:"state"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        time.Time  `json:"ends_at"`
	Timezone      string     `json:"timezone"`
	Minutes       int        `json:"minutes"`
	Place         string     `json:"place"`
	OnlineURL     string     `json:"online_url"`
	ProposedBy    *int64     `json:"proposed_by"`
	Sequence      int        `json:"sequence"`
	CancelReason  string     `json:"cancel_reason"`
	CancelledAt   *time.Time `json:"cancelled_at"`
	LateCancel    bool       `json:"late_cancel"`
	EndedWithPair bool       `json:"ended_with_pair"`
	Purpose       string     `json:"purpose"`
	Details       bool       `json:"details"`
	UID           string     `json:"uid"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

type apiExclusion struct {
	MenteeID   int64  `json:"mentee_user_id"`
	MentorID   int64  `json:"mentor_user_id"`
	MenteeName string `json:"mentee_name,omitempty"`
	MentorName string `json:"mentor_name,omitempty"`
}

type apiDashboard struct {
	Items    []apiDashboardPair `json:"items"`
	Total    int                `json:"total"`
	Page     int                `json:"page"`
	Pages    int                `json:"pages"`
	PerPage  int                `json:"per_page"`
	Counts   map[string]int     `json:"counts"`
	AllPairs int                `json:"all_pairs"`
}

// apiBrand is the brand as the JSON API shows it.
type apiBrand struct {
	Name      string    `json:"name"`
	Accent    string    `json:"accent"`
	LogoURL   *string   `json:"logo_url"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// apiAuditEntry is one row of the log in the API.
type apiAuditEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"created_at"`
	ActorID     int64     `json:"actor_user_id,omitempty"`
	ActorName   string    `json:"actor_name"`
	Action      string    `json:"action"`
	ProgramID   int64     `json:"program_id,omitempty"`
	ProgramName string    `json:"program_name,omitempty"`
	PairID      int64     `json:"pair_id,omitempty"`
	SubjectID   int64     `json:"subject_user_id,omitempty"`
	Detail      string    `json:"detail"`
}

type apiAgreement struct {
	PairID         int64                `json:"pair_id"`
	State          string               `json:"state"`
	DraftState     string               `json:"draft_state,omitempty"`
	CurrentVersion int                  `json:"current_version"`
	InForceVersion int                  `json:"in_force_version"`
	ActiveSince    *time.Time           `json:"active_since_at"`
	UpdatedAt      *time.Time           `json:"updated_at"`
	ContentVisible bool                 `json:"content_visible"`
	MentorPrompt   bool                 `json:"mentor_prompt"`
	Current        *apiAgreementVersion `json:"current"`
	InForce        *apiAgreementVersion `json:"in_force"`
}

func toAPIMatchingSettings(set matching.Settings) apiMatchingSettings {
	out := apiMatchingSettings{Weights: map[string]int{}, Excluded: []apiExclusion{},
		RequireLanguage: set.RequireLanguage, SeparateOrganisations: set.SeparateOrganisations,
		UnmatchedPenalty: set.UnmatchedPenalty, SelfMatch: set.SelfMatch,
		RequestDays: set.RequestDays, Suggestions: set.Suggestions}
	for _, c := range matching.Criteria {
		out.Weights[string(c)] = set.Weight(c)
	}
	for _, e := range set.Excluded {
		out.Excluded = append(out.Excluded, apiExclusion{MenteeID: e.MenteeID, MentorID: e.MentorID,
			MenteeName: e.MenteeName, MentorName: e.MentorName})
	}
	return out
}

// meUpdate is a partial update: fields left out keep their value. A
// language of "" means "follow my browser".
type meUpdate struct {
	Name     *string `json:"name"`
	Language *string `json:"language"`
	Timezone *string `json:"timezone"`
}

type apiThread struct {
	Items      []apiMessage `json:"items"`
	More       bool         `json:"more"`
	Allowed    bool         `json:"allowed"`
	UrgentRule string       `json:"urgent_rule"`
	LastReadID int64        `json:"last_read_id"`
}

type apiNudgeResult struct {
	Sent    []int64 `json:"sent"`
	Skipped []int64 `json:"skipped"`
}

type apiMatchPair struct {
	Mentee       apiMatchPerson        `json:"mentee"`
	Mentor       apiMatchPerson        `json:"mentor"`
	Score        int64                 `json:"score"`
	Percent      int                   `json:"percent"`
	Locked       bool                  `json:"locked"`
	Manual       bool                  `json:"manual"`
	Explanation  []string              `json:"explanation"`
	Problem      *string               `json:"problem"`
	Returned     *string               `json:"returned"`
	Alternatives []apiMatchAlternative `json:"alternatives"`
}

// apiInvitation describes an invitation. Its link is never shown: only the
// invitee's email holds it.
type apiInvitation struct {
	ID        int64      `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Language  string     `json:"language"`
	Note      string     `json:"note"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

type apiDiff struct {
	From    int             `json:"from"`
	To      int             `json:"to"`
	Changes []apiDiffChange `json:"changes"`
}

// apiMatchLeftOut is a mentee out of the pool since their pair closed.
type apiMatchLeftOut struct {
	Mentee  apiMatchPerson `json:"mentee"`
	PairID  int64          `json:"pair_id"`
	EndedAt time.Time      `json:"ended_at"`
	Reason  string         `json:"reason"`
}

type apiMatchUnmatched struct {
	Mentee       apiMatchPerson        `json:"mentee"`
	Reasons      []string              `json:"reasons"`
	Returned     *string               `json:"returned"`
	Alternatives []apiMatchAlternative `json:"alternatives"`
}

type apiMatchProposal struct {
	ID        int64           `json:"id"`
	Version   int             `json:"version"`
	RunAt     time.Time       `json:"run_at"`
	RunBy     *apiMatchPerson `json:"run_by"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// apiPerson names someone without their address: who saved, wrote or
// answered something.
type apiPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

type apiSignature struct {
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Side      string    `json:"side"`
	TypedName string    `json:"typed_name,omitempty"`
	SignedAt  time.Time `json:"signed_at"`
	Hash      string    `json:"hash"`
}

type apiPairMember struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

type apiClosingGoal struct {
	Title    string `json:"title"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
}

type apiClosingReflect struct {
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

type apiPrepQuestion struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

type apiTemplateQuestion struct {
	Key      string            `json:"key"`
	Audience string            `json:"audience"`
	Text     map[string]string `json:"text"`
	Shown    map[string]string `json:"shown,omitempty"`
}

type apiChange struct {
	Kind             string     `json:"kind"`
	UserID           *int64     `json:"user_id"`
	Name             string     `json:"name"`
	StartsAt         time.Time  `json:"starts_at"`
	PreviousStartsAt *time.Time `json:"previous_starts_at"`
	Reason           string     `json:"reason"`
	Late             bool       `json:"late"`
	At               time.Time  `json:"changed_at"`
}

// apiDashboardPair is one pair's row: names, states and dates only.
type apiDashboardPair struct {
	PairID       int64             `json:"pair_id"`
	Status       string            `json:"status"`
	Mentors      []string          `json:"mentors"`
	Mentees      []string          `json:"mentees"`
	Agreement    string            `json:"agreement"`
	SignedAt     *time.Time        `json:"signed_at"`
	MeetingsHeld int               `json:"meetings_held"`
	LastMeeting  *time.Time        `json:"last_meeting_at"`
	NextMeeting  *time.Time        `json:"next_meeting_at"`
	Health       string            `json:"health"`
	Signals      []apiHealthSignal `json:"signals"`
}

type apiMessage struct {
	ID         int64     `json:"id"`
	SenderID   *int64    `json:"sender_user_id"`
	SenderName string    `json:"sender_name"`
	Body       string    `json:"body"`
	Urgent     bool      `json:"urgent"`
	Nudge      string    `json:"nudge"`
	CreatedAt  time.Time `json:"created_at"`
	Mine       bool      `json:"mine"`
	Seen       bool      `json:"seen"`
	Unread     bool      `json:"unread"`
}

type apiMatchPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

type apiMatchAlternative struct {
	Mentor     apiMatchPerson `json:"mentor"`
	Score      int64          `json:"score"`
	Percent    int            `json:"percent"`
	Difference *int64         `json:"difference"`
	HasRoom    bool           `json:"has_room"`
}

type apiDiffChange struct {
	Section string        `json:"section"`
	Key     string        `json:"key"`
	Label   string        `json:"label"`
	Lines   []apiDiffLine `json:"lines"`
}

type apiHealthSignal struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Reason   string `json:"reason"`
}

type apiDiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}
