package web

func (s *Server) apiSelfMatchTable() []apiRoute {
	return nil
}
