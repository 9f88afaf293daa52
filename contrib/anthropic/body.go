package ccanthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxErrorBody bounds what is kept of an error body for its message.
const maxErrorBody = 64 << 10

// errorBody observes the body of an error response. The SDK reads the body
// of the response that ends a call and closes a response it retries unread,
// so a read means the call failed with this response, and a close without
// one means another attempt follows.
type errorBody struct {
	m   *middleware
	a   *attempt
	res *http.Response
	rc  io.ReadCloser

	mu   sync.Mutex
	read bool
	done bool
	buf  []byte
}

func (b *errorBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.read = true
	if room := maxErrorBody - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(n, room)]...)
	}
	switch {
	case err == io.EOF:
		b.finish()
	case err != nil && !b.done:
		// The SDK treats a body it cannot read as a dropped connection.
		b.done = true
		b.m.noResponse(b.a, err, b.m.now())
	}
	return n, err
}

func (b *errorBody) Close() error {
	err := b.rc.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return err
	}
	if !b.read {
		b.done = true
		b.m.calls.park(b.a.c, b.a.retry, b.m.now())
		return err
	}
	b.finish()
	return err
}

func (b *errorBody) finish() {
	if b.done {
		return
	}
	b.done = true
	status := b.res.StatusCode
	b.m.failed(b.a, status, apiErrorMessage(status, b.buf), b.res.Header.Get("request-id"),
		retryable(b.a.req, b.res), b.m.now())
}

// responseBody observes the body of a successful response as the SDK or the
// application reads it: a JSON message, or a stream of server-sent events
// parsed as they pass. It neither buffers ahead nor changes what is read.
type responseBody struct {
	m   *middleware
	a   *attempt
	res *http.Response
	rc  io.ReadCloser
	sse *sseParser // nil for a JSON body

	mu   sync.Mutex
	read bool
	done bool
	buf  []byte // the JSON body
}

func (b *responseBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return n, err
	}
	b.read = true
	if n > 0 {
		if b.sse != nil {
			b.sse.feed(p[:n], b.elapsed)
		} else {
			b.buf = append(b.buf, p[:n]...)
		}
	}
	switch {
	case err == io.EOF:
		b.done = true
		b.complete(true)
	case err != nil:
		b.done = true
		if b.sse != nil {
			// The SDK does not retry a stream that broke off.
			b.m.failed(b.a, 0, err.Error(), b.res.Header.Get("request-id"), false, b.m.now())
		} else {
			b.m.noResponse(b.a, err, b.m.now())
		}
	}
	return n, err
}

func (b *responseBody) Close() error {
	err := b.rc.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return err
	}
	b.done = true
	switch {
	case !b.read && retryable(b.a.req, b.res):
		// x-should-retry: true on a success: the SDK retries it unread.
		b.m.calls.park(b.a.c, b.a.retry, b.m.now())
	case b.sse != nil:
		// The application stopped reading the stream: what the
		// message_start already said was billed.
		b.sse.flush(b.elapsed)
		b.complete(false)
	}
	return err
}

func (b *responseBody) elapsed() time.Duration { return b.m.now().Sub(b.a.start) }

// complete records the response once its body has been read; eof is false
// when the stream was abandoned part-way.
func (b *responseBody) complete(eof bool) {
	end := b.m.now()
	requestID := b.res.Header.Get("request-id")
	if b.sse == nil {
		var msg message
		if err := json.Unmarshal(b.buf, &msg); err != nil {
			b.m.failed(b.a, 0, "invalid response body: "+err.Error(), requestID, false, end)
			return
		}
		b.m.succeeded(b.a, b.res, &msg, joinText(&msg), 0, 0, end)
		return
	}
	p := b.sse
	if eof {
		p.flush(b.elapsed)
	}
	switch {
	case p.errMsg != "":
		b.m.failed(b.a, 0, p.errMsg, requestID, false, end)
	case p.started:
		b.m.succeeded(b.a, b.res, &p.msg, p.text.String(), p.ttft, p.firstContent, end)
	case eof:
		b.m.failed(b.a, 0, "stream ended without a message", requestID, false, end)
	}
}

// joinText is the text blocks of a message, one per line.
func joinText(msg *message) string {
	var sb strings.Builder
	n := 0
	for _, c := range msg.Content {
		if c.Type != "text" {
			continue
		}
		if n > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(c.Text)
		n++
	}
	return sb.String()
}

// sseParser parses the Messages API's server-sent events incrementally.
type sseParser struct {
	line []byte // an incomplete line carried over to the next read
	data []byte // the data of the event being read

	started      bool // message_start seen
	msg          message
	text         strings.Builder
	textBlocks   int
	ttft         time.Duration // at message_start, as Claude Code's ttft_ms
	firstContent time.Duration // at the first content block
	errMsg       string        // an error event
}

// feed parses p; elapsed is the time since the attempt started.
func (s *sseParser) feed(p []byte, elapsed func() time.Duration) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.line = append(s.line, p...)
			return
		}
		line := p[:i]
		if len(s.line) > 0 {
			s.line = append(s.line, line...)
			line = s.line
		}
		s.handleLine(bytes.TrimSuffix(line, []byte{'\r'}), elapsed)
		s.line = s.line[:0]
		p = p[i+1:]
	}
}

// flush dispatches an event the stream ended without a blank line after.
func (s *sseParser) flush(elapsed func() time.Duration) {
	if len(s.line) > 0 {
		s.handleLine(bytes.TrimSuffix(s.line, []byte{'\r'}), elapsed)
		s.line = s.line[:0]
	}
	s.handleLine(nil, elapsed)
}

func (s *sseParser) handleLine(line []byte, elapsed func() time.Duration) {
	if len(line) == 0 {
		if len(s.data) > 0 {
			s.dispatch(s.data, elapsed)
			s.data = s.data[:0]
		}
		return
	}
	field, value, _ := bytes.Cut(line, []byte{':'})
	if string(field) != "data" {
		return // event: (the data's type says the same), id:, retry:, comments
	}
	value = bytes.TrimPrefix(value, []byte{' '})
	if len(s.data) > 0 {
		s.data = append(s.data, '\n')
	}
	s.data = append(s.data, value...)
}

type sseEvent struct {
	Type    string   `json:"type"`
	Message *message `json:"message"`
	Usage   *usage   `json:"usage"`
	Delta   *struct {
		Type       string  `json:"type"`
		Text       string  `json:"text"`
		StopReason *string `json:"stop_reason"`
	} `json:"delta"`
	ContentBlock *struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content_block"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func (s *sseParser) dispatch(data []byte, elapsed func() time.Duration) {
	var ev sseEvent
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	switch ev.Type {
	case "message_start":
		if ev.Message == nil || s.started {
			return
		}
		s.started = true
		s.ttft = elapsed()
		s.msg.Model = ev.Message.Model
		s.msg.Usage.update(ev.Message.Usage)
	case "content_block_start":
		if s.firstContent == 0 {
			s.firstContent = elapsed()
		}
		if ev.ContentBlock != nil && ev.ContentBlock.Type == "text" {
			if s.textBlocks > 0 {
				s.text.WriteByte('\n')
			}
			s.textBlocks++
			s.text.WriteString(ev.ContentBlock.Text)
		}
	case "content_block_delta":
		if ev.Delta != nil && ev.Delta.Type == "text_delta" {
			s.text.WriteString(ev.Delta.Text)
		}
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != nil {
			s.msg.StopReason = *ev.Delta.StopReason
		}
		if ev.Usage != nil {
			s.msg.Usage.update(*ev.Usage)
		}
	case "error":
		s.errMsg = "stream error"
		if ev.Error != nil && ev.Error.Message != "" {
			s.errMsg = ev.Error.Message
		}
	}
}

var errNoResponse = errors.New("no response")
