package web

func (s *Server) apiCheckpointTable() []apiRoute {
	return nil
}
