package program

import (
	"context"
	"database/sql"
	"errors"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Role is what a person is within one program.
type Role string

const (
	RoleNone        Role = ""
	RoleCoordinator Role = "coordinator" // includes administrators
	RoleMentor      Role = "mentor"
	RoleMentee      Role = "mentee"
)

// RoleIn says what actor is in the program. Administrators count as
// coordinators everywhere. A participant's role is given whatever their
// status: callers that care about approval read the Participant.
func (s *Service) RoleIn(ctx context.Context, actor *account.User, programID int64) (Role, error) {
	return roleIn(ctx, s.DB, actor, programID)
}

func roleIn(ctx context.Context, q store.Q, actor *account.User, programID int64) (Role, error) {
	if actor == nil {
		return RoleNone, nil
	}
	if actor.IsAdmin() {
		return RoleCoordinator, nil
	}
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM program_coordinators WHERE program_id = ? AND user_id = ?`,
		programID, actor.ID).Scan(&one)
	if err == nil {
		return RoleCoordinator, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return RoleNone, err
	}
	var role string
	err = q.QueryRow(ctx, `SELECT role FROM participants WHERE program_id = ? AND user_id = ?`,
		programID, actor.ID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return RoleNone, nil
	}
	if err != nil {
		return RoleNone, err
	}
	return Role(role), nil
}

// RequireCoordinator loads the program if actor runs it. Administrators
// pass. People with no relation to the program get NotFound, so that
// program ids reveal nothing; participants, who know the program exists,
// get Forbidden.
func (s *Service) RequireCoordinator(ctx context.Context, actor *account.User, programID int64) (*Program, error) {
	return requireCoordinator(ctx, s.DB, actor, programID)
}

// RequireCoordinatorTx is RequireCoordinator for other packages' use cases
// that check inside their own transaction.
func RequireCoordinatorTx(ctx context.Context, q store.Q, actor *account.User, programID int64) (*Program, error) {
	return requireCoordinator(ctx, q, actor, programID)
}

func requireCoordinator(ctx context.Context, q store.Q, actor *account.User, programID int64) (*Program, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	p, err := Get(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	role, err := roleIn(ctx, q, actor, programID)
	if err != nil {
		return nil, err
	}
	switch role {
	case RoleCoordinator:
		return p, nil
	case RoleNone:
		return nil, errs.E(errs.NotFound, "program.error.not_found")
	default:
		return nil, errs.E(errs.Forbidden, "program.error.coordinators_only")
	}
}

// RequireMember loads the program for anyone with a role in it, and says
// which role.
func (s *Service) RequireMember(ctx context.Context, actor *account.User, programID int64) (*Program, Role, error) {
	if actor == nil {
		return nil, RoleNone, errs.E(errs.Unauthorized, "error.login_required")
	}
	p, err := Get(ctx, s.DB, programID)
	if err != nil {
		return nil, RoleNone, err
	}
	role, err := roleIn(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, RoleNone, err
	}
	if role == RoleNone {
		return nil, RoleNone, errs.E(errs.NotFound, "program.error.not_found")
	}
	return p, role, nil
}
