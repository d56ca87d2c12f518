package web

func (s *Server) apiSecurityTable() []apiRoute {
	return nil
}
