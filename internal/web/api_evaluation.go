package web

func (s *Server) apiEvaluationTable() []apiRoute {
	return nil
}
