package telemetry

// recentRequestIDs is how many of a session's last request ids it remembers
// to record each API call once: more than the calls one session has in
// flight at a time.
const recentRequestIDs = 64

// firstRecord reports whether the call with this request id has not been
// recorded yet in the session, and remembers it. A call can reach the
// session twice, from a transport such as contrib/anthropic's and from the
// agent's own APIResponse; the first record counts. An empty id always
// records.
func (s *Session) firstRecord(requestID string) bool {
	if requestID == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.recorded {
		if id == requestID {
			return false
		}
	}
	// Grown as calls come, so that a session with few calls (or none: a
	// host recording through the Recorder) keeps few ids, not 1 KB.
	if len(s.recorded) < recentRequestIDs {
		s.recorded = append(s.recorded, requestID)
		return true
	}
	s.recorded[s.nextRecorded] = requestID
	s.nextRecorded = (s.nextRecorded + 1) % recentRequestIDs
	return true
}
