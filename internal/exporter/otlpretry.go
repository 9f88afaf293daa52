package exporter

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// retryPolicy is the one retry policy of every OTLP protocol: exponential
// backoff with jitter between attempts, a server's Retry-After or RetryInfo
// delay when it gives one, all within the export's context (its timeout,
// the caller's deadline and the exporter's Shutdown).
//
// The intervals are short compared with the SDK exporters' (5 s, then up to
// 30 s): an export already gives up at its timeout (10 s by default), and a
// long sleep is what made a 5 s Collector outage cost 10-15 s of data.
type retryPolicy struct {
	enabled bool
	initial time.Duration
	max     time.Duration
	upTo    time.Duration // bound on the whole retry loop, on top of the context
}

var defaultRetry = retryPolicy{enabled: true, initial: 250 * time.Millisecond, max: 2 * time.Second, upTo: time.Minute}

// retryable marks an attempt's error as worth another attempt, after
// delay when the server said how long to wait.
type retryable struct {
	err   error
	delay time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// do runs attempt until it succeeds, fails for good, or no further attempt
// fits in the context. It returns the last attempt's error, unwrapped.
func (p retryPolicy) do(ctx context.Context, attempt func(context.Context) error) error {
	start := time.Now()
	backoff := p.initial
	for {
		err := attempt(ctx)
		var r *retryable
		if err == nil || !errors.As(err, &r) {
			return err
		}
		if !p.enabled || ctx.Err() != nil {
			return r.err
		}
		wait := r.delay
		if wait <= 0 {
			// Full range jitter around the backoff: [backoff/2, backoff*3/2).
			wait = backoff/2 + rand.N(backoff)
			backoff = min(backoff*2, p.max)
		}
		if p.upTo > 0 && time.Since(start)+wait > p.upTo {
			return r.err
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return r.err // the next attempt would start after the deadline
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return r.err
		case <-t.C:
		}
	}
}
