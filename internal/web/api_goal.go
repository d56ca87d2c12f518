package web

func (s *Server) apiGoalTable() []apiRoute {
	return nil
}
