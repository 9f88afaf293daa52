package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
)

// step is one turn of the fake model: optional text, then one tool call.
type step struct {
	Text  string
	Tool  string
	Input map[string]any
}

// fakeAPI is a small Anthropic Messages API (POST /v1/messages, streamed as
// server-sent events) with a scripted model: the n-th request that carries n
// tool results gets plan[n], and the request after the last step gets the
// final text. Token usage is computed from the request the way the real API
// reports it: the system prompt is written to the cache on the first call and
// read from it afterwards, the rest of the conversation is input.
type fakeAPI struct {
	plan  []step
	final string
	srv   *http.Server
	ln    net.Listener

	mu       sync.Mutex
	requests int
	cached   bool
}

func startFakeAPI(plan []step, final string) (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeAPI{plan: plan, final: final, ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/messages", f.messages)
	f.srv = &http.Server{Handler: mux}
	go f.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return f, nil
}

// URL is the base URL to use as ANTHROPIC_BASE_URL.
func (f *fakeAPI) URL() string { return "http://" + f.ln.Addr().String() }

func (f *fakeAPI) Close() error { return f.srv.Close() }

// Requests is the number of requests served.
func (f *fakeAPI) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *fakeAPI) messages(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("x-api-key") == "" || r.Header.Get("anthropic-version") == "" {
		writeError(w, http.StatusUnauthorized, "authentication_error", "x-api-key and anthropic-version are required")
		return
	}
	var req messagesRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	if !req.Stream {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "this fake API only streams")
		return
	}
	results := 0
	for _, m := range req.Messages {
		for _, b := range m.Content {
			if b.Type == "tool_result" {
				results++
			}
		}
	}
	f.mu.Lock()
	f.requests++
	cacheRead, cacheWrite := 0, 0
	system := tokens(req.System) + 16*len(req.Tools)
	if f.cached {
		cacheRead = system
	} else {
		cacheWrite, f.cached = system, true
	}
	f.mu.Unlock()
	conv, _ := json.Marshal(req.Messages)
	input := 20 + tokens(string(conv))

	var blocks []contentBlock
	stop := "end_turn"
	if results < len(f.plan) {
		s := f.plan[results]
		if s.Text != "" {
			blocks = append(blocks, contentBlock{Type: "text", Text: s.Text})
		}
		blocks = append(blocks, contentBlock{Type: "tool_use", ID: "toolu_fake_" + randomHex(12), Name: s.Tool, Input: s.Input})
		stop = "tool_use"
	} else {
		blocks = append(blocks, contentBlock{Type: "text", Text: f.final})
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("request-id", "req_fake_"+randomHex(12))
	flusher, _ := w.(http.Flusher)
	send := func(event string, data any) {
		b, _ := json.Marshal(data)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	send("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_fake_" + randomHex(12), "type": "message", "role": "assistant", "model": req.Model,
		"content": []any{}, "stop_reason": nil,
		"usage": map[string]any{"input_tokens": input, "cache_creation_input_tokens": cacheWrite, "cache_read_input_tokens": cacheRead, "output_tokens": 1},
	}})
	output := 0
	for i, b := range blocks {
		switch b.Type {
		case "text":
			send("content_block_start", map[string]any{"type": "content_block_start", "index": i, "content_block": map[string]any{"type": "text", "text": ""}})
			for _, chunk := range chunks(b.Text, 16) {
				send("content_block_delta", map[string]any{"type": "content_block_delta", "index": i, "delta": map[string]any{"type": "text_delta", "text": chunk}})
			}
			output += tokens(b.Text)
		case "tool_use":
			send("content_block_start", map[string]any{"type": "content_block_start", "index": i, "content_block": map[string]any{"type": "tool_use", "id": b.ID, "name": b.Name, "input": map[string]any{}}})
			in, _ := json.Marshal(b.Input)
			for _, chunk := range chunks(string(in), 32) {
				send("content_block_delta", map[string]any{"type": "content_block_delta", "index": i, "delta": map[string]any{"type": "input_json_delta", "partial_json": chunk}})
			}
			output += 10 + tokens(string(in))
		}
		send("content_block_stop", map[string]any{"type": "content_block_stop", "index": i})
	}
	send("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]any{"output_tokens": output}})
	send("message_stop", map[string]any{"type": "message_stop"})
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": msg}})
}

// tokens estimates tokens as the API roughly counts English and JSON: four
// characters a token.
func tokens(s string) int { return (len(s) + 3) / 4 }

func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))[:n]
}
