package api

import (
	"net/http"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

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

func toAPIInvitation(i *program.Invitation, now time.Time) apiInvitation {
	return apiInvitation{
		ID: i.ID, Email: i.Email, Name: i.Name, Role: i.Role, Language: i.Language, Note: i.Note, Status: i.Status(now),
		CreatedAt: i.CreatedAt.UTC(), ExpiresAt: i.ExpiresAt.UTC(), UsedAt: apiUTC(i.UsedAt), RevokedAt: apiUTC(i.RevokedAt),
	}
}

type invitationInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Language string `json:"language"`
	Note     string `json:"note"`
}

func (s *API) apiListInvitations(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	invs, err := s.Programs.Invitations(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Clock.Now()
	out := make([]apiInvitation, 0, len(invs))
	for i := range invs {
		out = append(out, toAPIInvitation(&invs[i], now))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiCreateInvitation(w http.ResponseWriter, r *http.Request) {
	var in invitationInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	id := prog.ID
	inv, err := s.Programs.Invite(r.Context(), httpx.User(r), id, program.NewInvitation{
		Email: in.Email, Name: in.Name, Role: in.Role, Language: in.Language, Note: in.Note,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIInvitation(inv, s.Clock.Now()))
}

func (s *API) apiRevokeInvitation(w http.ResponseWriter, r *http.Request) {
	id, invID, err := httpx.PathIDs(r, "id", "invitationID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Programs.RevokeInvitation(r.Context(), httpx.User(r), id, invID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
