package web

func (s *Server) apiNotesTable() []apiRoute {
	return nil
}
