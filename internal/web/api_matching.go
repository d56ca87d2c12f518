package web

func (s *Server) apiMatchingTable() []apiRoute {
	return nil
}
