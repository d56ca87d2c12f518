package web

import (
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/notify"
)

// The administrator's pages: the installation at a glance, people and their
// roles, and the outbox, which is where emails can be read when no SMTP
// server is configured. Every route goes through requireAdmin; the role
// change and coordinator creation check the actor again in account.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin", s.requireAdmin(s.adminOverview))
	mux.HandleFunc("GET /admin/users", s.requireAdmin(s.adminUsers))
	mux.HandleFunc("POST /admin/users", s.requireAdmin(s.adminAddCoordinator))
	mux.HandleFunc("POST /admin/users/{id}/role", s.requireAdmin(s.adminSetRole))
	mux.HandleFunc("GET /admin/outbox", s.requireAdmin(s.adminOutbox))
	mux.HandleFunc("GET /admin/outbox/{id}", s.requireAdmin(s.adminEmail))
}

// outboxPageSize is how many emails one outbox page lists.
const outboxPageSize = 50

type adminOverviewData struct {
	Users, Coordinators, Admins, Programs int
	Emails                                notify.Counts
}

func (s *Server) adminOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var d adminOverviewData
	// Plain counts over whole tables: nothing here needs a domain rule.
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN role = 'coordinator' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN role = 'admin' THEN 1 ELSE 0 END), 0) FROM users`).Scan(&d.Users, &d.Coordinators, &d.Admins)
	if err == nil {
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM programs`).Scan(&d.Programs)
	}
	if err == nil {
		d.Emails, err = notify.CountPending(ctx, s.DB)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_overview", d)
}

type adminUsersData struct {
	Users []account.User
	Roles []string
	Self  int64
	Lang  string // default language of a new coordinator: the administrator's own
	// WelcomeDays is how long the link in the welcome email works.
	WelcomeDays int
}

func (s *Server) adminUsersData(r *http.Request) (*adminUsersData, error) {
	users, err := s.Accounts.List(r.Context())
	if err != nil {
		return nil, err
	}
	return &adminUsersData{Users: users, Self: httpx.User(r).ID, Lang: s.locale(r).Lang(),
		WelcomeDays: int(account.WelcomeTTL / (24 * time.Hour)),
		Roles:       []string{account.RoleAdmin, account.RoleCoordinator, account.RoleMember}}, nil
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	d, err := s.adminUsersData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_users", d)
}

func (s *Server) adminAddCoordinator(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	_, err := s.Accounts.AddCoordinator(r.Context(), httpx.User(r), account.NewCoordinator{
		Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Language: r.PostForm.Get("language"),
	})
	if err != nil {
		s.adminUsersFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/users", "admin.coordinator_added")
}

func (s *Server) adminSetRole(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	r.ParseForm()
	if err := s.Accounts.SetRole(r.Context(), httpx.User(r), id, r.PostForm.Get("role")); err != nil {
		// The role form has no field of the add form: do not keep its values.
		r.PostForm = nil
		s.adminUsersFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/users", "admin.role_changed")
}

// adminUsersFailed shows the people page again with the problem on it.
func (s *Server) adminUsersFailed(w http.ResponseWriter, r *http.Request, err error) {
	d, lerr := s.adminUsersData(r)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	s.renderForm(w, r, "admin_users", d, err)
}

type adminOutboxData struct {
	Emails     []notify.Email
	Total      int
	Page       int
	Pages      int
	Prev, Next int // 0 when there is no such page
}

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	emails, total, err := notify.Emails(r.Context(), s.DB, (page-1)*outboxPageSize, outboxPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminOutboxData{Emails: emails, Total: total, Page: page, Pages: max(1, (total+outboxPageSize-1)/outboxPageSize)}
	if page > d.Pages {
		s.fail(w, r, errNotFound)
		return
	}
	if page > 1 {
		d.Prev = page - 1
	}
	if page < d.Pages {
		d.Next = page + 1
	}
	s.render(w, r, http.StatusOK, "admin_outbox", d)
}

func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	e, err := notify.EmailByID(r.Context(), s.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_email", e)
}
