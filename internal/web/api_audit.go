package web

func (s *Server) apiAuditTable() []apiRoute {
	return nil
}
