package web

func (s *Server) apiPrivacyTable() []apiRoute {
	return nil
}
