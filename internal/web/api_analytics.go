package web

func (s *Server) apiAnalyticsTable() []apiRoute {
	return nil
}
