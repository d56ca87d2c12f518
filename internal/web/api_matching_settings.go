package web

func (s *Server) apiMatchingSettingsTable() []apiRoute {
	return nil
}
