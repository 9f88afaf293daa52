package telemetry

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/core"
)

// DefaultBufferSize is the capacity of NewBuffer(0).
const DefaultBufferSize = 512

// Buffer holds events a host emits before its telemetry has started (while
// Start loads settings or runs a headers helper, or before the host knows
// whether telemetry is on). Pass it to Start with WithBuffer: once the
// handle is built, the buffered events are emitted into it in order, with
// the time at which they were buffered as their timestamps, and later Emit
// calls go straight to the handle. A Buffer is bounded: when full, the
// newest events are dropped and counted; the count is reported to the
// handle's error handler when the buffer is flushed. If telemetry turns out
// to be disabled, the buffered events are discarded. Safe for concurrent
// use; a nil *Buffer discards everything.
type Buffer struct {
	mu       sync.Mutex
	capacity int
	pending  []buffered
	dropped  int64
	// target is set once flushed, under mu; read without it, it lets a
	// flushed buffer's calls skip the lock. Nothing else changes then.
	target atomic.Pointer[Telemetry]
}

type buffered struct {
	ctx  context.Context
	emit func(context.Context, *events.Emitter)
}

// NewBuffer returns a buffer of the given capacity in events;
// capacity <= 0 means DefaultBufferSize.
func NewBuffer(capacity int) *Buffer {
	if capacity <= 0 {
		capacity = DefaultBufferSize
	}
	return &Buffer{capacity: capacity}
}

// WithBuffer flushes b into the handle Start returns (or discards its events
// when telemetry is disabled). By default, there is no buffer.
func WithBuffer(b *Buffer) Option {
	return optionFunc(func(o *options) { o.buffer = b })
}

// Emit records one event: emit is called with the handle's emitter, and a
// context carrying ctx's values and the time of this call, when the buffer is
// flushed, or at once when it has been. Use it as
//
//	buf.Emit(ctx, func(ctx context.Context, e *events.Emitter) { e.UserPrompt(ctx, p) })
func (b *Buffer) Emit(ctx context.Context, emit func(context.Context, *events.Emitter)) {
	if b == nil || emit == nil {
		return
	}
	// Once flushed, Emit goes straight to the handle. An Emit that sees
	// target nil takes the lock, so it cannot overtake a flush in progress.
	// One call either way, the host's function or one that buffers it: with
	// a call of each Emit would not inline, and the flushed path (a disabled
	// handle's: the off path) would cost the host a call of its own. The
	// function that buffers is allocated (emit leaks, and so what is
	// assigned to it), but only before the flush, which allocates anyway.
	var e *events.Emitter
	if t := b.target.Load(); t != nil {
		e = t.events
	} else {
		host := emit
		emit = func(ctx context.Context, _ *events.Emitter) { b.buffer(ctx, host) }
	}
	emit(ctx, e)
}

func (b *Buffer) buffer(ctx context.Context, emit func(context.Context, *events.Emitter)) {
	b.mu.Lock()
	if t := b.target.Load(); t != nil {
		b.mu.Unlock()
		emit(ctx, t.Events())
		return
	}
	defer b.mu.Unlock()
	if len(b.pending) >= b.capacity {
		b.dropped++
		return
	}
	// The time is taken now; cancellation of ctx must not lose the event.
	b.pending = append(b.pending, buffered{ctx: core.ContextWithTime(context.WithoutCancel(ctx), time.Now()), emit: emit})
}

// Len is the number of events waiting to be flushed.
func (b *Buffer) Len() int {
	if b == nil || b.target.Load() != nil {
		return 0 // flushed: nothing waits
	}
	return b.pendingLen()
}

func (b *Buffer) pendingLen() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Dropped is the number of events dropped because the buffer was full.
func (b *Buffer) Dropped() int64 {
	if b != nil && b.target.Load() != nil {
		return b.dropped // written only before the flush, which the Load orders before this read
	}
	return b.lockedDropped()
}

func (b *Buffer) lockedDropped() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// flushTo emits the buffered events into t and makes later Emit calls go
// to t. Events are emitted under the lock, so none buffered later can
// overtake them. Only the first flush counts.
func (b *Buffer) flushTo(t *Telemetry) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.target.Load() != nil {
		return
	}
	e := t.Events()
	for _, p := range b.pending {
		p.emit(p.ctx, e)
	}
	b.pending = nil
	b.target.Store(t) // after the pending events, which no later Emit may overtake
	if b.dropped > 0 && t.Enabled() {
		t.state.Error(fmt.Errorf("ccotel: %d events emitted before Start were dropped: the buffer holds %d", b.dropped, b.capacity))
	}
}
