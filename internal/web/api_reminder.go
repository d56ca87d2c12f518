package web

func (s *Server) apiReminderTable() []apiRoute {
	return nil
}
