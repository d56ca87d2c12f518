package web

func (s *Server) apiAgreementTable() []apiRoute {
	return nil
}
