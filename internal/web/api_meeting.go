package web

func (s *Server) apiMeetingTable() []apiRoute {
	return nil
}
