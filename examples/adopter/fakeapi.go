package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
)

// turn is one scripted model response: text, then at most one tool use, with
// the usage the API reports for it.
type turn struct {
	Text, Tool, Input string
	In, Out           int64
}

// script is the default task: write a file, run a command, answer.
var script = []turn{
	{Text: "I'll write the file.", Tool: "write", Input: `{"file_path":"hello.txt","content":"hello\nworld\n"}`, In: 107, Out: 45},
	{Tool: "bash", Input: `{"command":"echo hello"}`, In: 121, Out: 35},
	{Text: "I wrote hello.txt and said hello. Done.", In: 135, Out: 35},
}

// fakeAPI is a scripted Messages API that streams each turn as server-sent
// events, one flushed event at a time, cache reads and writes included. Like
// a server that keeps the stream open, it ends a response only when the
// client closes it after message_stop.
func fakeAPI(turns []turn) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(turns)-1)
		t := turns[i]
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("request-id", fmt.Sprintf("req_%d", i+1))
		send := func(typ string, v map[string]any) {
			v["type"] = typ
			b, _ := json.Marshal(v)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", typ, b)
			w.(http.Flusher).Flush()
		}
		send("message_start", map[string]any{"message": map[string]any{"id": fmt.Sprint("msg_", i+1), "type": "message",
			"role": "assistant", "model": model, "content": []any{}, "usage": map[string]any{"input_tokens": t.In,
				"output_tokens": 1, "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 300}}})
		block, stop := 0, "end_turn"
		if t.Text != "" {
			send("content_block_start", map[string]any{"index": block, "content_block": map[string]any{"type": "text", "text": ""}})
			send("content_block_delta", map[string]any{"index": block, "delta": map[string]any{"type": "text_delta", "text": t.Text}})
			send("content_block_stop", map[string]any{"index": block})
			block++
		}
		if t.Tool != "" {
			stop = "tool_use"
			send("content_block_start", map[string]any{"index": block, "content_block": map[string]any{"type": "tool_use",
				"id": fmt.Sprint("toolu_", i+1), "name": t.Tool, "input": map[string]any{}}})
			send("content_block_delta", map[string]any{"index": block, "delta": map[string]any{"type": "input_json_delta", "partial_json": t.Input}})
			send("content_block_stop", map[string]any{"index": block})
		}
		send("message_delta", map[string]any{"delta": map[string]any{"stop_reason": stop}, "usage": map[string]any{"output_tokens": t.Out}})
		send("message_stop", map[string]any{})
		<-r.Context().Done()
	})
}
