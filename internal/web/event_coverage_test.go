package web

// The events pages and their API twins (internal/api/event.go).
func init() {
	for page, api := range map[string]string{
		"POST /programs/{id}/events":                    "POST /api/v1/programs/{programID}/events",
		"POST /programs/{id}/events/{event}/edit":       "PUT /api/v1/programs/{programID}/events/{eventID}",
		"POST /programs/{id}/events/{event}/cancel":     "POST /api/v1/programs/{programID}/events/{eventID}/cancel",
		"POST /programs/{id}/events/{event}/rsvp":       "PUT /api/v1/programs/{programID}/events/{eventID}/response",
		"POST /programs/{id}/events/{event}/attendance": "PUT /api/v1/programs/{programID}/events/{eventID}/attendance",
	} {
		pageToAPI[page] = api
	}
}
