package web

func (s *Server) apiDashboardTable() []apiRoute {
	return nil
}
