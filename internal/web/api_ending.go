package web

func (s *Server) apiEndingTable() []apiRoute {
	return nil
}
