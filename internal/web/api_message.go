package web

func (s *Server) apiMessageTable() []apiRoute {
	return nil
}
