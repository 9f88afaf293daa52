package ccanthropic

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ccotel/ccotel/telemetry"
)

// call is one logical API call: its attempts, retries included.
type call struct {
	key   *byte // the first byte of the request body the SDK sends again on each attempt
	ctx   context.Context
	s     *telemetry.Session
	first time.Time   // the first attempt's start
	times []time.Time // every attempt's start

	next     int       // while parked: the retry count of the attempt expected next
	parkedAt time.Time // when the attempt that failed ended
}

// tracker links the attempts of a call. The SDK retries inside one call of
// the middleware chain per attempt and numbers the attempts
// (X-Stainless-Retry-Count), but gives them no common identifier: each has
// its own context when the SDK applies a request timeout, which it does by
// default. What they share is the request body: the SDK marshals it once
// per call and sends the same bytes again, so the address of its backing
// array identifies the call. A call whose attempt failed and will be
// retried is parked here until its next attempt arrives with the same body
// (failing that, the same context; failing that, as the only parked call of
// the session expecting that attempt).
type tracker struct {
	mu     sync.Mutex
	parked []*call
}

// parkTTL bounds how long a retried call waits for its next attempt: longer
// than any SDK backoff (8s, or what retry-after asks). A call whose caller
// gave up between attempts is dropped after it.
const parkTTL = 5 * time.Minute

// maxParked bounds the calls waiting for a retry.
const maxParked = 1024

// begin returns the call an attempt belongs to: a parked one for a retry,
// else a new one.
func (t *tracker) begin(req *http.Request, s *telemetry.Session, retry int, now time.Time) *call {
	key := bodyKey(req)
	if retry > 0 {
		if c := t.unpark(key, req.Context(), s, retry, now); c != nil {
			c.times = append(c.times, now)
			return c
		}
	}
	return &call{key: key, ctx: req.Context(), s: s, first: now, times: []time.Time{now}}
}

func (t *tracker) unpark(key *byte, ctx context.Context, s *telemetry.Session, retry int, now time.Time) *call {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.parked = slices.DeleteFunc(t.parked, func(c *call) bool { return now.Sub(c.parkedAt) >= parkTTL })

	byKey, byCtx, candidates, only := -1, -1, 0, -1
	for i, c := range t.parked {
		if c.s != s || c.next != retry {
			continue
		}
		if key != nil && c.key == key {
			byKey = i
			break
		}
		if byCtx < 0 && same(c.ctx, ctx) {
			byCtx = i
		}
		candidates++
		only = i
	}
	found := byKey
	if found < 0 {
		found = byCtx
	}
	if found < 0 && candidates == 1 {
		found = only
	}
	if found < 0 {
		return nil
	}
	c := t.parked[found]
	t.parked = slices.Delete(t.parked, found, found+1)
	return c
}

// park keeps c until its next attempt.
func (t *tracker) park(c *call, retry int, end time.Time) {
	c.next, c.parkedAt = retry+1, end
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.parked) >= maxParked {
		t.parked = slices.Delete(t.parked, 0, 1)
	}
	t.parked = append(t.parked, c)
}

// bodyKey returns the address of the request body's bytes, without copying
// or consuming them: GetBody hands out a fresh reader over the SDK's
// marshalled body, and its WriteTo passes the backing array itself. A
// GetBody that returns the very reader being sent is left alone.
func bodyKey(req *http.Request) *byte {
	if req.GetBody == nil {
		return nil
	}
	rc, err := req.GetBody()
	if err != nil || rc == nil {
		return nil
	}
	if same(rc, req.Body) {
		return nil
	}
	defer func() { _ = rc.Close() }()
	wt, ok := rc.(io.WriterTo)
	if !ok {
		return nil
	}
	var w firstByte
	_, _ = wt.WriteTo(&w)
	return w.p
}

// firstByte remembers where the first chunk written to it starts.
type firstByte struct{ p *byte }

func (w *firstByte) Write(p []byte) (int, error) {
	if w.p == nil && len(p) > 0 {
		w.p = &p[0]
	}
	return len(p), nil
}

// same compares two interface values by identity, false when they cannot be
// compared.
func same(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}
