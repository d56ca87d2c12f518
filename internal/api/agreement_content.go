package api

import (
	"strings"

	"mentorskap/internal/agreement"
)

// apiAgreementContent is an agreement version's content as the API reads
// and writes it: agreement.Content field for field, in the same order, with
// the dates named as everywhere in the API (starts_on, ends_on, a goal's
// target_on). agreement.Content keeps the names it was first signed with
// (start_date, end_date, target_date), because its JSON is the canonical
// form that a version's hash is taken over and that may never change. So
// the canonical form of a version is this JSON with those three names put
// back (TestAgreementContentIsCanonical), which is how a client recomputes
// a hash.
type apiAgreementContent struct {
	Parties           []agreement.Party     `json:"parties"`
	StartsOn          string                `json:"starts_on"`
	EndsOn            string                `json:"ends_on"`
	MeetingCount      int                   `json:"meeting_count"`
	Frequency         string                `json:"frequency"`
	TypicalMinutes    int                   `json:"typical_minutes"`
	MaxMinutes        int                   `json:"max_minutes"`
	Places            string                `json:"places"`
	Communication     string                `json:"communication"`
	ResponseTime      string                `json:"response_time"`
	InAppMessages     bool                  `json:"in_app_messages"`
	CancelRule        string                `json:"cancel_rule"`
	CancelNoticeHours int                   `json:"cancel_notice_hours"`
	UrgentRule        string                `json:"urgent_rule"`
	Goals             []apiAgreementGoal    `json:"goals"`
	MentorRole        string                `json:"mentor_role"`
	MenteeRole        string                `json:"mentee_role"`
	Mentor            agreement.Commitments `json:"mentor"`
	Mentee            agreement.Commitments `json:"mentee"`
	TopicsIn          string                `json:"topics_in"`
	TopicsOut         string                `json:"topics_out"`
	Relationship      string                `json:"relationship"`
	Confidentiality   string                `json:"confidentiality"`
	CoordinatorSees   string                `json:"coordinator_sees"`
	Costs             string                `json:"costs"`
	Unmet             string                `json:"unmet_expectations"`
	Voluntary         string                `json:"voluntary"`
}

// apiAgreementGoal is agreement.Goal with its date named target_on.
type apiAgreementGoal struct {
	Key      string             `json:"key"`
	Title    string             `json:"title"`
	Measure  string             `json:"measure"`
	TargetOn string             `json:"target_on"`
	SubGoals []apiAgreementGoal `json:"sub_goals,omitempty"`
}

func toAPIAgreementContent(c agreement.Content) apiAgreementContent {
	return apiAgreementContent{
		Parties: c.Parties, StartsOn: c.StartDate, EndsOn: c.EndDate, MeetingCount: c.MeetingCount,
		Frequency: c.Frequency, TypicalMinutes: c.TypicalMinutes, MaxMinutes: c.MaxMinutes, Places: c.Places,
		Communication: c.Communication, ResponseTime: c.ResponseTime, InAppMessages: c.InAppMessages,
		CancelRule: c.CancelRule, CancelNoticeHours: c.CancelNoticeHours, UrgentRule: c.UrgentRule,
		Goals: toAPIAgreementGoals(c.Goals), MentorRole: c.MentorRole, MenteeRole: c.MenteeRole,
		Mentor: c.Mentor, Mentee: c.Mentee, TopicsIn: c.TopicsIn, TopicsOut: c.TopicsOut,
		Relationship: c.Relationship, Confidentiality: c.Confidentiality, CoordinatorSees: c.CoordinatorSees,
		Costs: c.Costs, Unmet: c.Unmet, Voluntary: c.Voluntary,
	}
}

func (c apiAgreementContent) domain() agreement.Content {
	return agreement.Content{
		Parties: c.Parties, StartDate: c.StartsOn, EndDate: c.EndsOn, MeetingCount: c.MeetingCount,
		Frequency: c.Frequency, TypicalMinutes: c.TypicalMinutes, MaxMinutes: c.MaxMinutes, Places: c.Places,
		Communication: c.Communication, ResponseTime: c.ResponseTime, InAppMessages: c.InAppMessages,
		CancelRule: c.CancelRule, CancelNoticeHours: c.CancelNoticeHours, UrgentRule: c.UrgentRule,
		Goals: agreementGoals(c.Goals), MentorRole: c.MentorRole, MenteeRole: c.MenteeRole,
		Mentor: c.Mentor, Mentee: c.Mentee, TopicsIn: c.TopicsIn, TopicsOut: c.TopicsOut,
		Relationship: c.Relationship, Confidentiality: c.Confidentiality, CoordinatorSees: c.CoordinatorSees,
		Costs: c.Costs, Unmet: c.Unmet, Voluntary: c.Voluntary,
	}
}

func toAPIAgreementGoals(gs []agreement.Goal) []apiAgreementGoal {
	if gs == nil {
		return nil
	}
	out := make([]apiAgreementGoal, len(gs))
	for i, g := range gs {
		out[i] = apiAgreementGoal{Key: g.Key, Title: g.Title, Measure: g.Measure, TargetOn: g.TargetDate,
			SubGoals: toAPIAgreementGoals(g.SubGoals)}
	}
	return out
}

func agreementGoals(gs []apiAgreementGoal) []agreement.Goal {
	if gs == nil {
		return nil
	}
	out := make([]agreement.Goal, len(gs))
	for i, g := range gs {
		out[i] = agreement.Goal{Key: g.Key, Title: g.Title, Measure: g.Measure, TargetDate: g.TargetOn,
			SubGoals: agreementGoals(g.SubGoals)}
	}
	return out
}

// agreementFieldName is the API's name, under content, for a field the
// agreement's validation names by its canonical JSON path
// (goals.0.sub_goals.1.target_date).
func agreementFieldName(f string) string {
	switch {
	case f == "start_date":
		f = "starts_on"
	case f == "end_date":
		f = "ends_on"
	case strings.HasSuffix(f, ".target_date"):
		f = strings.TrimSuffix(f, "target_date") + "target_on"
	}
	return "content." + f
}
